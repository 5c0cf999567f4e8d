package io.customerflow.registry;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The shop registry's settings ({@code shop-registry.*}), the same in every service of a deployment. */
@ConfigMapping(prefix = "shop-registry")
public interface ShopRegistryConfig {

    /** The compacted registry topic: one record per shop, keyed by its {@code .myshopify.com} domain. */
    @WithDefault("shops.v1")
    String topic();

    /**
     * Where a service that got a 401 with a shop's token asks the owner of the shop's refresh for a new token now
     * (key = shop, value = the registry version of the refused token); kept an hour.
     */
    @WithDefault("shops.refresh-requests.v1")
    String refreshRequestsTopic();

    /**
     * The registry's compacted topic of Shopify Flow trigger use: key {@code {shop}/{handle}}, value whether an
     * enabled workflow of the shop starts with the trigger, as Flow's last lifecycle callback said (written by
     * ingest, read by tagging and the store's console). Its own topic, so a callback never rewrites a shop's record.
     */
    @WithDefault("shops.flow-triggers.v1")
    String flowTriggersTopic();

    /**
     * The registry's compacted topic of shop health: key {@code {shop}/{aspect}}, value a {@code ShopHealthReport}
     * (webhooks last received, subscriptions checked, token refreshed, Klaviyo key checked), written by the service
     * that observed it and read by the store's console. Its own topic, so a report never rewrites a shop's record.
     */
    @WithDefault("shops.health.v1")
    String healthTopic();

    /**
     * Where the console asks for work on a shop (a backfill, a subscription check): key = shop, value a
     * {@code ShopCommand}; read by ingest, and kept {@code 90 days} as the console's audit list.
     */
    @WithDefault("shops.commands.v1")
    String commandsTopic();

    /** Partitions of the topic when this service creates it: the unit of refresh ownership among ingest replicas. */
    @WithDefault("6")
    int partitions();

    /**
     * The data keys that seal the registry's secrets (AES-256-GCM), by id: each 32 random bytes in base64, e.g.
     * {@code shop-registry.data-keys.k2026=...} (a Kubernetes Secret in the chart). Several keys for rotation: every
     * key listed opens what it sealed; only {@link #activeKey()} seals. Required wherever the registry is used.
     */
    Map<String, String> dataKeys();

    /** The id among {@link #dataKeys()} that seals new secrets; may be left out when there is only one key. */
    Optional<String> activeKey();

    /** How long a service waits at start for the registry to be read to its end before it gives up starting. */
    @WithDefault("60s")
    Duration loadTimeout();
}
