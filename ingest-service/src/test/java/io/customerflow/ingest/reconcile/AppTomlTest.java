package io.customerflow.ingest.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.customerflow.infra.TestConfigs;
import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.ingest.service.WebhookTopic;

/**
 * The repository's {@code shopify.app.toml} (the app-level subscriptions) declares what ingest would keep itself: the
 * same topics, the privacy topics as compliance topics, ingest's API version, ingest's paths.
 */
class AppTomlTest {

    static final Path TOML = Path.of("..", "shopify.app.toml");

    static List<String> array(String toml, String key) {
        List<String> all = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*" + key + "\\s*=\\s*\\[([^]]*)]").matcher(toml);
        while (m.find()) {
            Arrays.stream(m.group(1).split(",")).map(s -> s.trim().replace("\"", "")).filter(s -> !s.isEmpty())
                    .forEach(all::add);
        }
        return all;
    }

    static String value(String toml, String key) {
        Matcher m = Pattern.compile("(?m)^\\s*" + key + "\\s*=\\s*\"([^\"]*)\"").matcher(toml);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void theAppTomlSubscribesWhatIngestKeeps() throws IOException {
        String toml = Files.readString(TOML);
        IngestConfig defaults = TestConfigs.mapping(IngestConfig.class, Map.of());
        assertEquals(defaults.subscriptions().topics(), array(toml, "topics"));
        assertEquals(List.of(WebhookTopic.CUSTOMERS_DATA_REQUEST.header(), WebhookTopic.CUSTOMERS_REDACT.header(),
                WebhookTopic.SHOP_REDACT.header()), array(toml, "compliance_topics"));
        assertEquals(defaults.shopify().apiVersion(), value(toml, "api_version"));
        assertEquals(String.join(",", defaults.app().scopes()), value(toml, "scopes"));
        Matcher uris = Pattern.compile("(?m)^\\s*uri\\s*=\\s*\"https://[^/\"]+(/[^\"]*)\"").matcher(toml);
        int n = 0;
        while (uris.find()) {
            assertEquals("/webhooks/shopify", uris.group(1));
            n++;
        }
        assertEquals(2, n, "both subscriptions deliver to ingest's webhook path");
        assertEquals(List.of("https://ingest.example.com/shopify/callback"), array(toml, "redirect_urls"));
    }

    @Test
    void theFlowLifecycleExtensionCallsIngestsEndpoint() throws IOException {
        String toml = Files.readString(Path.of("..", "extensions", "flow-lifecycle", "shopify.extension.toml"));
        assertEquals("flow_trigger_lifecycle_callback", value(toml, "type"));
        assertEquals("https://ingest.example.com" + io.customerflow.ingest.rest.FlowLifecycleResource.PATH,
                value(toml, "url"));
    }
}
