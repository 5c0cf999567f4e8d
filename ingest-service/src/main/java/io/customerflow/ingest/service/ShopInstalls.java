package io.customerflow.ingest.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.registry.FlowTriggerUse;
import io.customerflow.registry.RegisteredShops;
import io.customerflow.registry.SecretBox;
import io.customerflow.registry.ShopRecord;
import io.customerflow.shopify.TokenGrant;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;

/**
 * Every way a shop enters or leaves the registry through ingest: an OAuth install, a hand-over, an uninstall, and the
 * static seeds of {@code ingest.shops} (imported at start: the local run's stand-in and tests, not how a real app
 * runs). Each write completes when Kafka holds it; secrets are sealed before they leave this class.
 */
@Startup
@Singleton
public class ShopInstalls {

    private static final Duration ACK = Duration.ofSeconds(30);

    private final RegisteredShops registry;
    private final FlowTriggerUse flowTriggers;
    private final SecretBox box;

    public ShopInstalls(RegisteredShops registry, FlowTriggerUse flowTriggers, IngestConfig config) {
        this.registry = registry;
        this.flowTriggers = flowTriggers;
        this.box = registry.box();
        seed(config.shops());
    }

    /** A shop that granted a token (OAuth code, hand-over, migration, client credentials) is installed. */
    public ShopRecord install(String shop, String clientId, ShopRecord.Credential.Kind kind, TokenGrant grant,
            String klaviyoKey, ShopRecord.Settings settings) {
        return install(shop, clientId, kind, grant, klaviyoKey, settings, false);
    }

    /** The merchant installed the app through OAuth: an install from now on, whatever the registry held. */
    public ShopRecord installedByMerchant(String shop, String clientId, TokenGrant grant) {
        return install(shop, clientId, ShopRecord.Credential.Kind.EXPIRING, grant, null, null, true);
    }

    /**
     * @param byMerchant an OAuth install: {@code installedAt} is now. A hand-over of a shop already installed (new
     *     tokens, a Klaviyo key, settings) keeps its install time, so a real uninstall of before it still counts.
     */
    private ShopRecord install(String shop, String clientId, ShopRecord.Credential.Kind kind, TokenGrant grant,
            String klaviyoKey, ShopRecord.Settings settings, boolean byMerchant) {
        ShopRecord last = registry.find(shop).orElse(null);
        OffsetDateTime installedAt = byMerchant || last == null || last.status() == ShopRecord.Status.UNINSTALLED
                || last.installedAt() == null ? now() : last.installedAt();
        String key = klaviyoKey != null ? box.seal(shop, "klaviyoKey", klaviyoKey)
                : last != null && last.status() != ShopRecord.Status.UNINSTALLED ? last.klaviyoKey() : null;
        ShopRecord.Settings kept = settings != null ? settings : last != null ? last.settings() : null;
        ShopRecord record = new ShopRecord(shop, ShopRecord.Status.INSTALLED, clientId,
                grant.scopes().isEmpty() && last != null ? last.scopes() : grant.scopes(), credential(shop, kind, grant),
                key, kept, now(), last == null ? 1 : last.version() + 1, installedAt);
        await(registry.write(record));
        Log.infof("shop registry: %s installed (%s)", shop, kind.name().toLowerCase(java.util.Locale.ROOT));
        return record;
    }

    /** The credential of a grant, sealed for the shop. */
    public ShopRecord.Credential credential(String shop, ShopRecord.Credential.Kind kind, TokenGrant grant) {
        return new ShopRecord.Credential(kind, box.seal(shop, "accessToken", grant.accessToken()),
                grant.accessTokenExpiresAt(), box.seal(shop, "refreshToken", grant.refreshToken()),
                grant.refreshTokenExpiresAt());
    }

    /**
     * The app is gone from the shop: uninstalled, every credential and key erased at once. Answers false when the
     * registry doesn't know the shop or it was uninstalled already.
     */
    public boolean uninstall(String shop) {
        return uninstall(shop, null);
    }

    /**
     * The same for an {@code app/uninstalled} that happened at {@code uninstalledAt}: one of before the shop's last
     * install is a late retry of an earlier uninstall (Shopify retries for hours), and the new install stays.
     */
    public boolean uninstall(String shop, OffsetDateTime uninstalledAt) {
        ShopRecord last = registry.find(shop).orElse(null);
        if (last == null || last.status() == ShopRecord.Status.UNINSTALLED) {
            return false;
        }
        if (uninstalledAt != null && last.installedAt() != null && uninstalledAt.isBefore(last.installedAt())) {
            Log.infof("shop registry: an app/uninstalled of %s from before its last install ignored", shop);
            return false;
        }
        await(registry.write(last.uninstalled(now())));
        // The app's extensions leave the shop with it: Flow reports again for a workflow enabled after a new install.
        await(flowTriggers.forget(shop));
        Log.infof("shop registry: %s uninstalled, its credentials erased", shop);
        return true;
    }

    /** What a Flow lifecycle callback changed. */
    public enum FlowTriggerChange { RECORDED, UNCHANGED, OLDER, NOT_INSTALLED }

    /**
     * Records whether the shop has an enabled workflow using the trigger, as Flow said at {@code at}, on the
     * registry's own topic for trigger use ({@link FlowTriggerUse}: never a rewrite of the shop's record, so it races
     * no token refresh or uninstall). A callback no newer than the one recorded changes nothing (Flow's rule: the
     * newer timestamp wins), nor does one for a shop that isn't installed here (an uninstalled or unknown shop; one
     * waiting for re-authorisation still counts: its workflows are the merchant's).
     */
    public FlowTriggerChange flowTrigger(String shop, String handle, boolean enabled, OffsetDateTime at) {
        ShopRecord last = registry.find(shop).orElse(null);
        if (last == null || last.status() == ShopRecord.Status.UNINSTALLED) {
            return FlowTriggerChange.NOT_INSTALLED;
        }
        FlowTriggerUse.Use known = flowTriggers.find(shop, handle).orElse(null);
        if (known != null && !at.isAfter(known.at())) {
            return known.enabled() == enabled ? FlowTriggerChange.UNCHANGED : FlowTriggerChange.OLDER;
        }
        await(flowTriggers.write(shop, handle, new FlowTriggerUse.Use(enabled, at)));
        Log.infof("shop registry: %s %s Flow trigger %s", shop, enabled ? "uses" : "no longer uses", handle);
        return FlowTriggerChange.RECORDED;
    }

    private void seed(Map<String, IngestConfig.Shop> shops) {
        for (IngestConfig.Shop s : shops.values()) {
            String shop = s.domain().trim();
            ShopRecord last = registry.find(shop).orElse(null);
            boolean same = last != null && last.credential() != null
                    && last.credential().kind() == ShopRecord.Credential.Kind.STATIC
                    && s.accessToken().equals(box.open(shop, "accessToken", last.credential().accessToken()))
                    && last.settings().reconcile() == s.reconcile();
            if (same || (last != null && last.credential() != null
                    && last.credential().kind() != ShopRecord.Credential.Kind.STATIC)) {
                continue; // unchanged, or installed for real since: the seed never overrides an install
            }
            ShopRecord.Settings settings = new ShopRecord.Settings(s.reconcile(),
                    last != null && last.settings().createInstantCustomers(),
                    last != null ? last.settings().tagNames() : Map.of());
            ShopRecord record = new ShopRecord(shop, ShopRecord.Status.INSTALLED, null, List.of(),
                    new ShopRecord.Credential(ShopRecord.Credential.Kind.STATIC,
                            box.seal(shop, "accessToken", s.accessToken()), null, null, null),
                    last != null ? last.klaviyoKey() : null, settings, now(), last == null ? 1 : last.version() + 1,
                    null); // a seed is no install: any app/uninstalled removes it
            await(registry.write(record));
            Log.infof("shop registry: %s seeded from ingest.shops (static token)", shop);
        }
    }

    private static <T> T await(CompletableFuture<T> write) {
        try {
            return write.get(ACK.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException();
        } catch (Exception e) {
            throw new RegistryUnavailableException();
        }
    }

    /** Kafka didn't acknowledge a registry write: nothing is used until it does (503 to a caller). */
    public static final class RegistryUnavailableException extends RuntimeException {
        RegistryUnavailableException() {
            super("the shop registry is unavailable (Kafka did not acknowledge the write)", null, false, false);
        }
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
