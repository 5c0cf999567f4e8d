package io.customerflow.tagging.service;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.tagging.config.TaggingConfig;

/** Per-shop settings (access token, tag names) and the shops that uninstalled the app. */
@ApplicationScoped
public class ShopRegistry {

    private final Map<String, TaggingConfig.Shop> byDomain;
    private final Set<String> uninstalled = ConcurrentHashMap.newKeySet();

    public ShopRegistry(TaggingConfig config) {
        this.byDomain = config.shops().values().stream()
                .collect(Collectors.toUnmodifiableMap(TaggingConfig.Shop::domain, s -> s));
    }

    public Optional<String> accessToken(String shop) {
        return Optional.ofNullable(byDomain.get(shop)).map(TaggingConfig.Shop::accessToken)
                .filter(t -> !t.isBlank());
    }

    /** The shop's name for a rule's tag (itself unless renamed for that shop). */
    public String tagName(String shop, String tag) {
        TaggingConfig.Shop s = byDomain.get(shop);
        return s == null ? tag : s.tagNames().getOrDefault(tag, tag);
    }

    /** Whether the shop opted in to having its instant bookers created as Shopify customers. */
    public boolean createsInstantCustomers(String shop) {
        TaggingConfig.Shop s = byDomain.get(shop);
        return s != null && s.createInstantCustomers();
    }

    /** After {@code app/uninstalled}, the token no longer works: stop calling the shop. */
    public void markUninstalled(String shop) {
        uninstalled.add(shop);
    }

    public boolean isUninstalled(String shop) {
        return uninstalled.contains(shop);
    }
}
