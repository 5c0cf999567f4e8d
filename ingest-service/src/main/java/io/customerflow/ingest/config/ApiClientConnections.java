package io.customerflow.ingest.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import io.customerflow.events.ShopDomains;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;

/**
 * Checks, at start, that the instant-booking API clients can work, and logs who may book for which shop (names and
 * shops, never a key or its digest). A client whose digest is not a SHA-256, or that may book for no shop, stops the
 * service with the property to set. The local launcher prints the {@code connections:} line this writes.
 */
@Startup(Interceptor.Priority.PLATFORM_BEFORE)
@Singleton
public class ApiClientConnections {

    public ApiClientConnections(IngestConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("instant-booking API clients cannot work: " + String.join("; ", problems));
        }
        Log.infof("connections: Shopify webhooks with %d secret(s); instant-booking clients %s",
                config.shopify().webhookSecrets().size(), describe(config.apiClients()));
    }

    static List<String> problems(IngestConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.shopify().webhookSecrets().stream().allMatch(String::isBlank)) {
            problems.add("ingest.shopify.webhook-secrets is empty: set your app's client secret");
        }
        for (Map.Entry<String, IngestConfig.ApiClient> client : new TreeMap<>(config.apiClients()).entrySet()) {
            String prefix = "ingest.api-clients." + client.getKey() + ".";
            String digest = client.getValue().keySha256().trim();
            if (!digest.matches("[0-9a-fA-F]{64}")) {
                problems.add(prefix + "key-sha256 must be 64 hex digits (the SHA-256 of the key, not the key)");
            }
            if (client.getValue().shops().stream().allMatch(String::isBlank)) {
                problems.add(prefix + "shops is empty: list the shops this key may book for");
            }
            client.getValue().shops().stream().filter(shop -> !ShopDomains.isValid(shop)).forEach(shop -> problems
                    .add(prefix + "shops has '" + shop + "', not a <name>.myshopify.com domain"));
        }
        return problems;
    }

    private static String describe(Map<String, IngestConfig.ApiClient> clients) {
        if (clients.isEmpty()) {
            return "(none)";
        }
        return new TreeMap<>(clients).entrySet().stream()
                .map(e -> e.getKey() + "=" + String.join("+", new TreeSet<>(e.getValue().shops())))
                .collect(Collectors.joining(", "));
    }
}
