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
 * Checks, at start, that the instant-booking API clients and the shops to reconcile can work, and logs who may book
 * for which shop and which shops are read back from the Admin API (names and shops, never a key, digest or token). A
 * client whose digest is not a SHA-256, one that may book for no shop, a shop without a token: the service stops
 * with the property to set. The local launcher prints the {@code connections:} line this writes.
 */
@Startup(Interceptor.Priority.PLATFORM_BEFORE)
@Singleton
public class ApiClientConnections {

    /** The admission limit's floor (a sender's usual handful of connections, see {@code AdmissionLimit}). */
    public static final int MIN_CONCURRENT_REQUESTS = 16;

    public ApiClientConnections(IngestConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("ingest-service cannot work as configured: " + String.join("; ", problems));
        }
        Log.infof("connections: Shopify webhooks signed by app %s for its shops, by %d other secret(s) for the rest;"
                + " instant-booking clients %s; Shopify Admin %s reconciling %s",
                config.app().clientId().filter(id -> !id.isBlank()).orElse("(none)"),
                config.shopify().webhookSecrets().map(List::size).orElse(0), describe(config.apiClients()),
                config.shopify().urlTemplate(), reconciled(config));
    }

    static List<String> problems(IngestConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.shopify().webhookSecrets().orElse(List.of()).stream().allMatch(String::isBlank)
                && config.app().clientId().filter(id -> !id.isBlank()).isEmpty()) {
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
        for (Map.Entry<String, IngestConfig.Shop> shop : new TreeMap<>(config.shops()).entrySet()) {
            String prefix = "ingest.shops." + shop.getKey() + ".";
            if (!ShopDomains.isValid(shop.getValue().domain())) {
                problems.add(prefix + "domain must be a <name>.myshopify.com domain");
            }
            if (shop.getValue().accessToken().isBlank()) {
                problems.add(prefix + "access-token is blank: set the shop's Admin API access token");
            }
        }
        if (!config.shopify().urlTemplate().contains("{shop}")) {
            problems.add("ingest.shopify.url-template must contain {shop}");
        }
        double keep = config.reconcile().keepForLive();
        if (keep < 0 || keep >= 1) {
            problems.add("ingest.reconcile.keep-for-live must be at least 0 and below 1");
        }
        if (config.reconcile().pageSize() < 1 || config.reconcile().pageSize() > 250) {
            problems.add("ingest.reconcile.page-size must be 1..250 (Shopify's page limit)");
        }
        if (config.reconcile().lineItems() < 1 || config.reconcile().lineItems() > 250) {
            problems.add("ingest.reconcile.line-items must be 1..250");
        }
        IngestConfig.Bulk bulk = config.reconcile().bulk();
        if (bulk.attempts() < 1) {
            problems.add("ingest.reconcile.bulk.attempts must be at least 1");
        }
        if (bulk.batchSize() < 1 || bulk.batchSize() > 10_000) {
            problems.add("ingest.reconcile.bulk.batch-size must be 1..10000");
        }
        if (bulk.pollInterval().toMillis() < 100) {
            problems.add("ingest.reconcile.bulk.poll-interval must be at least 100ms (each status costs a point)");
        }
        for (String prefix : bulk.resultUrlPrefixes()) {
            if (!prefix.matches("https?://[^/@?#]+/.*")) {
                problems.add("ingest.reconcile.bulk.result-url-prefixes: " + prefix + " is not an http(s) address "
                        + "with a path (end the host with /)");
            }
        }
        if (config.delivery().maxConcurrentRequests() < MIN_CONCURRENT_REQUESTS) {
            problems.add("ingest.delivery.max-concurrent-requests must be at least " + MIN_CONCURRENT_REQUESTS);
        }
        if (config.delivery().latencyTarget().isNegative() || config.delivery().latencyTarget().isZero()) {
            problems.add("ingest.delivery.latency-target must be positive");
        }
        return problems;
    }

    private static String reconciled(IngestConfig config) {
        if (config.shops().isEmpty()) {
            return "no shop";
        }
        return new TreeMap<>(config.shops()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().domain()
                        + (e.getValue().reconcile() && config.reconcile().enabled() ? "" : " (backfill only)"))
                .collect(Collectors.joining(", "));
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
