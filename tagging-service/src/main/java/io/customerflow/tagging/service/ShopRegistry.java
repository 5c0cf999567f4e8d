package io.customerflow.tagging.service;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.registry.RegisteredShops;
import io.customerflow.registry.ShopRecord;
import io.customerflow.tagging.config.TaggingConfig;

/**
 * Each shop's access token and settings as tagging uses them: from the shop registry ({@code shops.v1}, followed live:
 * a shop installed, refreshed, changed or uninstalled counts from the next call), else from the static seed
 * {@code tagging.shops.*} (the local run's stand-in and tests). A shop the registry has is never taken from the seed.
 */
@io.quarkus.runtime.Startup // the registry is read whole at start, never on an event's thread (it would block it)
@ApplicationScoped
public class ShopRegistry {

    private final Map<String, TaggingConfig.Shop> seeded;
    private final RegisteredShops registry;
    private final io.customerflow.registry.RefreshRequests refreshRequests;
    private final Set<String> uninstalled = ConcurrentHashMap.newKeySet();

    private final io.customerflow.registry.FlowTriggerUse flowTriggers;

    public ShopRegistry(TaggingConfig config, RegisteredShops registry,
            io.customerflow.registry.RefreshRequests refreshRequests, io.customerflow.registry.FlowTriggerUse flowTriggers) {
        this.flowTriggers = flowTriggers;
        this.refreshRequests = refreshRequests;
        this.seeded = config.shops().values().stream()
                .collect(Collectors.toUnmodifiableMap(TaggingConfig.Shop::domain, s -> s));
        this.registry = registry;
    }

    /**
     * The registry's record of the shop, unless it is only the static seed of a shop {@code tagging.shops} also
     * seeds: then tagging's own seed (token, tag names, opt-ins) counts.
     */
    private Optional<ShopRecord> governing(String shop) {
        return registry.find(shop).filter(r -> !(seeded.containsKey(shop) && r.credential() != null
                && r.credential().kind() == ShopRecord.Credential.Kind.STATIC));
    }

    /** The token to call the shop with, and its registry version (0 for a seeded one). */
    public Optional<RegisteredShops.AccessToken> accessToken(String shop) {
        Optional<ShopRecord> record = governing(shop);
        if (record.isPresent()) {
            return registry.accessToken(shop);
        }
        return Optional.ofNullable(seeded.get(shop)).map(TaggingConfig.Shop::accessToken).filter(t -> !t.isBlank())
                .map(t -> new RegisteredShops.AccessToken(t, 0, null));
    }

    /** Whether an enabled Flow workflow of the shop starts with the trigger (Flow's lifecycle callbacks, via ingest). */
    public boolean usesFlowTrigger(String shop, String handle) {
        return flowTriggers.uses(shop, handle) && registry.find(shop)
                .map(r -> r.status() != ShopRecord.Status.UNINSTALLED).orElse(false);
    }

    /** The registry's status of the shop; empty for a seeded or unknown one. */
    public Optional<ShopRecord.Status> status(String shop) {
        return governing(shop).map(ShopRecord::status);
    }

    /**
     * The token of a registry version newer than {@code version} of the shop (a refreshed token; with 0, the shop's
     * first), waited for up to {@code wait}; empty when none came, or the new version has no token.
     */
    public java.util.concurrent.CompletableFuture<Optional<RegisteredShops.AccessToken>> newerToken(String shop,
            long version, java.time.Duration wait) {
        return registry.newerThan(shop, version, wait)
                .thenApply(r -> r != null && r.version() > version ? accessToken(shop) : Optional.empty());
    }

    /**
     * Shopify refused (or would refuse: expired) the shop's token of registry version {@code version}: asks the owner
     * of its refresh for a new one now, then waits up to {@code wait} for it (empty when none came).
     */
    public java.util.concurrent.CompletableFuture<Optional<RegisteredShops.AccessToken>> refreshRefused(String shop,
            long version, java.time.Duration wait) {
        // Off the caller's thread (an event loop): a first send waits for the producer and the topic's metadata.
        java.util.concurrent.CompletableFuture.supplyAsync(() -> refreshRequests.request(shop, version),
                io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool()).thenCompose(sent -> sent)
                .exceptionally(e -> {
                    io.quarkus.logging.Log.warnf("refresh of %s not requested (%s): waiting for the scheduled one",
                            shop, e.getClass().getSimpleName());
                    return null;
                });
        return newerToken(shop, version, wait);
    }

    /** The shop's name for a rule's tag (itself unless renamed for that shop). */
    public String tagName(String shop, String tag) {
        Optional<ShopRecord> record = governing(shop);
        if (record.isPresent()) {
            return record.get().settings().tagNames().getOrDefault(tag, tag);
        }
        TaggingConfig.Shop s = seeded.get(shop);
        return s == null ? tag : s.tagNames().getOrDefault(tag, tag);
    }

    /** Whether the shop opted in to having its instant bookers created as Shopify customers. */
    public boolean createsInstantCustomers(String shop) {
        Optional<ShopRecord> record = governing(shop);
        if (record.isPresent()) {
            return record.get().settings().createInstantCustomers();
        }
        TaggingConfig.Shop s = seeded.get(shop);
        return s != null && s.createInstantCustomers();
    }

    /** After {@code app/uninstalled}, the token no longer works: stop calling the shop (before the registry says so). */
    public void markUninstalled(String shop) {
        uninstalled.add(shop);
    }

    /**
     * For a shop of the registry, the registry decides (a shop installed again is called again at once); the mark of
     * an {@code app/uninstalled} event counts for a seeded shop only.
     */
    public boolean isUninstalled(String shop) {
        Optional<ShopRecord.Status> status = status(shop);
        return status.isPresent() ? status.get() == ShopRecord.Status.UNINSTALLED : uninstalled.contains(shop);
    }
}
