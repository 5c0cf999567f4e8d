package io.customerflow.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A connected local run has credentials of its own, kept and never printed; the demo run prints the public ones. */
class LocalCredentialsTest {

    @TempDir
    Path data;

    @Test
    void aConnectedRunMakesItsOwnCredentialsOnceAndTheReadyBlockNamesOnlyTheirFile() throws Exception {
        LocalCredentials own = LocalCredentials.forRun(data, true);
        assertFalse(own.demo());
        assertTrue(own.webhookSecret().isEmpty(), "no webhook secret but the user's app's");
        assertNotEquals(LocalDemo.API_KEY, own.apiKey());
        assertEquals(own, LocalCredentials.forRun(data, true), "kept across runs");
        String block = LocalDemo.readyBlock(data);
        assertTrue(block.contains(data.resolve(LocalCredentials.FILE).toString()), block);
        for (String secret : new String[] { own.apiKey(), own.storeToken(), own.operatorKey(), LocalDemo.API_KEY,
                LocalDemo.STORE_TOKEN, LocalDemo.OPERATOR_KEY, LocalDemo.WEBHOOK_SECRET }) {
            assertFalse(block.contains(secret), block);
        }
        assertFalse(block.contains("./customer-flow demo"), "the demo does not run against a connected run");
    }

    @Test
    void aRunConnectedOnlyToKlaviyoHasNoPublicSecretInAnyServicesSettings() throws Exception {
        // Shopify stays the stand-in (its demo shops installed through the demo app), Klaviyo is the user's.
        LocalSettings settings = new LocalSettings(data, java.util.Map.of("KLAVIYO_BASE_URL", "https://a.klaviyo.com"));
        assertTrue(LocalDemo.connected(settings));
        LocalCredentials own = LocalCredentials.forRun(data, true);
        assertNotEquals(LocalDemo.APP_SECRET, own.appSecret(), "the demo app's secret is the run's own");
        var configs = LocalDemo.serviceConfigs("127.0.0.1:1", new PostgresServer(data.resolve("pg"), 1),
                "http://127.0.0.1:2", settings, own, true, 8080);
        String all = String.join("\n", configs.values());
        assertTrue(configs.get("ingest-service").contains("ingest.app.client-secret=" + own.appSecret()));
        for (String demo : new String[] { LocalDemo.WEBHOOK_SECRET, LocalDemo.sha256(LocalDemo.API_KEY),
                LocalDemo.sha256(LocalDemo.STORE_TOKEN), LocalDemo.sha256(LocalDemo.OPERATOR_KEY) }) {
            assertFalse(all.contains(demo), demo);
        }
    }

    @Test
    void theDemoRunForgetsConnectedCredentialsAndPrintsThePublicOnes() throws Exception {
        LocalCredentials.forRun(data, true);
        assertEquals(LocalCredentials.DEMO, LocalCredentials.forRun(data, false));
        assertFalse(Files.exists(data.resolve(LocalCredentials.FILE)));
        String block = LocalDemo.readyBlock(data);
        assertTrue(block.contains(LocalDemo.API_KEY) && block.contains(LocalDemo.WEBHOOK_SECRET), block);
        assertTrue(block.contains("./customer-flow demo"), block);
    }
}
