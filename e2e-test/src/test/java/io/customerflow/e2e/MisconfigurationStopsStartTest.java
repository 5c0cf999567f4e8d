package io.customerflow.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.customerflow.infra.FreePorts;
import io.customerflow.infra.LocalSettings;
import io.customerflow.infra.ServiceProcess;

/**
 * A connection that cannot work stops the packaged service at start, as {@code ./customer-flow up} starts it, with a
 * message naming the property to set, and without the token or key in the message. Nothing here needs Kafka: the
 * checks run before the consumers are wired. Two starts prove the wiring (an exported variable over the generated
 * file, a check in a shared module); what each check says is unit-tested beside it: {@code ShopifyConnectionsTest},
 * {@code KlaviyoConnectionsTest}, {@code ApiClientConnectionsTest}, {@code PrivacyConfigTest}, {@code SecretBoxTest}.
 */
class MisconfigurationStopsStartTest {

    static final String SECRET = "shpat_never_printed_0815";
    static Path dir;

    @BeforeAll
    static void directory() throws Exception {
        dir = Files.createTempDirectory("customer-flow-misconfig-");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void anExportedBlankTokenNamesTheTokenPropertyAndNeverTheToken() throws Exception {
        String message = failedStart("tagging-service", List.of("tagging.shops.shop0.domain=a.myshopify.com",
                "tagging.shops.shop0.access-token=" + SECRET), Map.of("TAGGING_SHOPS_SHOP0_ACCESS_TOKEN", " "));
        assertTrue(message.contains("tagging.shops.shop0.access-token"), message);
        assertFalse(message.contains(SECRET), message);
    }

    @Test
    void aServiceOfTheShopRegistryWithoutItsDataKeyNamesIt() throws Exception {
        String ingest = failedStart("ingest-service", List.of("ingest.shopify.webhook-secrets=s",
                "shop-registry.data-keys.k1=c2hvcnQ="), Map.of());
        assertTrue(ingest.contains("shop-registry.data-keys.k1 must be 32 bytes"), ingest);
    }

    /** Starts the packaged service with a file like the launcher's generated one; returns why it did not start. */
    static String failedStart(String service, List<String> settings, Map<String, String> exported) throws Exception {
        Path config = Files.createTempFile(dir, service, ".properties");
        Files.writeString(config, "config_ordinal=" + LocalSettings.GENERATED_ORDINAL + "\n"
                + "kafka.bootstrap.servers=127.0.0.1:1\nprivacy.ledger-key=misconfiguration-test\n"
                + String.join("\n", settings) + "\n");
        Path log = Files.createTempFile(dir, service, ".log");
        ServiceProcess process = new ServiceProcess(service, Path.of("..", service, "target/quarkus-app/quarkus-run.jar")
                .toAbsolutePath().normalize(), FreePorts.find(), List.of(config), log, exported);
        try {
            return assertThrows(IllegalStateException.class, () -> process.start(Duration.ofMinutes(1))).getMessage();
        } finally {
            process.close();
        }
    }
}
