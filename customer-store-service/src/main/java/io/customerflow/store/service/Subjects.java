package io.customerflow.store.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.customerflow.events.Emails;

/**
 * Identities of a customer within a shop, and their one-way hashes for redaction markers and exports.
 * A customer is known by normalized email, else by Shopify customer id.
 */
public final class Subjects {

    private Subjects() {
    }

    /** The store's customer key: the normalized email, else {@code shopify:{id}}, else null (unidentifiable). */
    public static String customerKey(String email, Long shopifyCustomerId) {
        String normalized = Emails.normalize(email);
        if (normalized != null) {
            return normalized;
        }
        return shopifyCustomerId == null ? null : "shopify:" + shopifyCustomerId;
    }

    /** Hashes of every identity given: a redaction by email also blocks events keyed by id, and back. */
    public static List<String> hashes(String shop, String email, Long shopifyCustomerId) {
        List<String> hashes = new ArrayList<>(2);
        String normalized = Emails.normalize(email);
        if (normalized != null) {
            hashes.add(hash(shop + "\nemail:" + normalized));
        }
        if (shopifyCustomerId != null) {
            hashes.add(hash(shop + "\nshopify:" + shopifyCustomerId));
        }
        return hashes;
    }

    /** The marker of a Shopify order named in customers/redact's orders_to_redact. */
    public static String orderHash(String shop, long orderId) {
        return hash(shop + "\norder:" + orderId);
    }

    /** The marker of a whole shop (shop/redact). */
    public static String shopHash(String shop) {
        return hash(shop + "\nshop");
    }

    static String hash(String value) {
        return HexFormat.of().formatHex(SHA_256.get().digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Looking the algorithm up costs more than hashing a short value: each thread keeps one (digest() resets it). */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });
}
