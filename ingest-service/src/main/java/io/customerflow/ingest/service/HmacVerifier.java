package io.customerflow.ingest.service;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.customerflow.ingest.config.IngestConfig;

/**
 * Verifies {@code X-Shopify-Hmac-Sha256}: base64 HMAC-SHA256 of the raw body, keyed with the app secret. Several
 * secrets are accepted so a rotation never rejects a delivery; comparison is constant-time.
 */
@ApplicationScoped
public class HmacVerifier {

    private final List<SecretKeySpec> keys;

    @Inject
    public HmacVerifier(IngestConfig config) {
        this(config.shopify().webhookSecrets());
    }

    public HmacVerifier(List<String> secrets) {
        this.keys = secrets.stream().filter(s -> !s.isBlank())
                .map(s -> new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), "HmacSHA256")).toList();
        if (keys.isEmpty()) {
            throw new IllegalStateException("ingest.shopify.webhook-secrets holds no secret");
        }
    }

    /** True when the header is the signature of the body under any configured secret. */
    public boolean verify(byte[] body, String header) {
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
        for (SecretKeySpec key : keys) {
            // No early exit: every secret is tried, so timing tells nothing about which one matched.
            valid |= MessageDigest.isEqual(sign(key, body), given);
        }
        return valid;
    }

    /** The header value Shopify would send for this body and secret (used by tests and the demo). */
    public static String signature(String secret, byte[] body) {
        return Base64.getEncoder().encodeToString(
                sign(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"), body));
    }

    private static byte[] sign(SecretKeySpec key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
