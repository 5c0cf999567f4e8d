package io.customerflow.ingest.service;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;


import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.registry.RegisteredShops;
import io.customerflow.registry.ShopRecord;

/**
 * Verifies {@code X-Shopify-Hmac-Sha256}: base64 HMAC-SHA256 of the raw body, keyed with the secret of the app that
 * installed the shop. The shop comes from the unsigned {@code X-Shopify-Shop-Domain}, which only chooses the secret:
 * a body signed by one app is refused under a shop another app installed, so one leaked app secret signs for no
 * other app's shops. Per shop, as the registry says:
 * <ul>
 * <li>installed by {@code ingest.app.client-id}: that app's client secret and its previous ones;</li>
 * <li>installed by no app (a static seed, a hand-over while no app was configured): {@code ingest.shopify.webhook-secrets};</li>
 * <li>installed by another app, whose secret this service does not hold: nothing (401);</li>
 * <li>not in the registry (yet: a replica reads a fresh install a moment later): the app's secrets when an app is
 * configured (a shop installs through it), else {@code ingest.shopify.webhook-secrets}; never both, so a secret
 * of shops of no app cannot sign for a shop the registry does not know.</li>
 * </ul>
 * Several secrets per set so a rotation never rejects a delivery; comparison is constant-time.
 */
@ApplicationScoped
public class HmacVerifier {

    private final List<HmacKey> unattached;
    private final String appId;
    private final List<HmacKey> app;
    private final Function<String, Optional<ShopRecord>> registry;

    @Inject
    public HmacVerifier(IngestConfig config, RegisteredShops registry) {
        this(config.shopify().webhookSecrets().orElse(List.of()), config.app().clientId().orElse(null),
                Stream.concat(config.app().clientSecret().stream(),
                        config.app().previousClientSecrets().orElse(List.of()).stream()).toList(),
                registry::find);
    }

    /**
     * @param unattached secrets of shops no configured app installed
     * @param appId the configured app's client id, or null
     * @param appSecrets its client secret first, then previous ones
     * @param registry the shop's registry record
     */
    public HmacVerifier(List<String> unattached, String appId, List<String> appSecrets,
            Function<String, Optional<ShopRecord>> registry) {
        this.unattached = keys(unattached);
        this.appId = appId == null || appId.isBlank() ? null : appId;
        this.app = this.appId == null ? List.of() : keys(appSecrets);
        this.registry = registry;
        if (this.unattached.isEmpty() && this.app.isEmpty()) {
            throw new IllegalStateException("ingest.shopify.webhook-secrets holds no secret");
        }
    }

    /** True when the header is the signature of the body under a secret that may sign for this shop. */
    public boolean verify(String shop, byte[] body, String header) {
        if (header == null || header.isBlank()) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.trim());
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        boolean valid = false;
        for (HmacKey key : keysFor(shop)) {
            // No early exit: every secret is tried, so timing tells nothing about which one matched.
            valid |= MessageDigest.isEqual(key.sign(body), given);
        }
        return valid;
    }

    /** The secrets that may sign a webhook of this shop (see the class comment). */
    List<HmacKey> keysFor(String shop) {
        ShopRecord record = shop == null || shop.isBlank() ? null : registry.apply(shop.trim()).orElse(null);
        if (record == null) {
            return appId != null ? app : unattached;
        }
        if (record.clientId() == null) {
            return unattached;
        }
        return record.clientId().equals(appId) ? app : List.of();
    }

    /** The header value Shopify would send for this body and secret (used by tests and the demo). */
    public static String signature(String secret, byte[] body) {
        return Base64.getEncoder().encodeToString(new HmacKey(secret).sign(body));
    }

    private static List<HmacKey> keys(List<String> secrets) {
        return secrets.stream().filter(s -> s != null && !s.isBlank())
                .map(HmacKey::new).toList();
    }
}
