package io.customerflow.tagging.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import io.customerflow.events.ShopDomains;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;

/**
 * Checks, at start, that the Shopify settings can work, and logs where this service sends what (the URL template
 * and each shop's name and domain, never a token). Eager like {@code RuleSet}: a shop that can never be tagged must
 * stop the service with the property to set, not dead-letter every booking of that shop. The local launcher prints
 * the {@code connections:} line this writes.
 */
@Startup(Interceptor.Priority.PLATFORM_BEFORE)
@Singleton
public class ShopifyConnections {

    public ShopifyConnections(TaggingConfig config, io.customerflow.registry.ShopRegistryConfig registry) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Shopify settings cannot work: " + String.join("; ", problems));
        }
        Log.infof("connections: Shopify Admin %s; shops from the registry %s%s", config.shopify().urlTemplate(),
                registry.topic(), config.shops().isEmpty() ? "" : "; seeded shops " + describe(config.shops()));
    }

    /** Every setting that cannot work, each naming the property to set. */
    static List<String> problems(TaggingConfig config) {
        List<String> problems = new ArrayList<>();
        String template = config.shopify().urlTemplate();
        if (!template.contains("{shop}")) {
            problems.add("tagging.shopify.url-template must contain {shop} (e.g. https://{shop}/admin/api/{version}/graphql.json)");
        }
        if (!template.startsWith("https://") && !template.startsWith("http://")) {
            problems.add("tagging.shopify.url-template must be an http(s) URL");
        }
        Map<String, String> nameByDomain = new HashMap<>();
        for (Map.Entry<String, TaggingConfig.Shop> shop : new TreeMap<>(config.shops()).entrySet()) {
            String prefix = "tagging.shops." + shop.getKey() + ".";
            String domain = shop.getValue().domain().trim();
            if (!ShopDomains.isValid(domain)) {
                problems.add(prefix + "domain must be a <name>.myshopify.com domain");
            }
            if (shop.getValue().accessToken().isBlank()) {
                problems.add(prefix + "access-token is blank");
            }
            String other = nameByDomain.putIfAbsent(domain, shop.getKey());
            if (other != null) {
                problems.add(prefix + "domain is also tagging.shops." + other + ".domain: give each shop one entry");
            }
        }
        return problems;
    }

    private static String describe(Map<String, TaggingConfig.Shop> shops) {
        return new TreeMap<>(shops).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().domain())
                .collect(Collectors.joining(", "));
    }
}
