package io.customerflow.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The redaction ledger: who was redacted, and when, as every consumer must honour it. A compacted topic
 * ({@value #TOPIC}) whose key is a keyed hash (HMAC-SHA256 under the deployment's ledger key) of one identity of one
 * shop: {@code email:<normalized email>}, {@code customer:<Shopify customer id>} or {@code order:<order id>}; the
 * value is a {@link Mark}. Neither the email nor an id is on the topic, and without the key no one can test a
 * guessed email against it. ingest writes the marks of a {@code customers/redact} with its event, before Shopify's
 * 200; every consumer reads the whole topic and follows it.
 */
public final class RedactionLedger {

    public static final String TOPIC = "redactions.v1";

    /** One identity's redaction: the latest time it was redacted. */
    public record Mark(OffsetDateTime redactedAt) {
    }

    private final SecretKeySpec key;

    /** @param key the ledger key (any length; 32 random bytes or more recommended) */
    public RedactionLedger(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("the redaction ledger key is empty");
        }
        this.key = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The ledger keys of a redaction request: its email, customer id and orders. */
    public List<String> keysOf(CustomerRedactRequested r) {
        List<String> keys = new ArrayList<>(keys(r.shop(), r.email(), r.shopifyCustomerId(), null));
        r.ordersToRedact().forEach(order -> keys.add(key(r.shop(), "order:" + order)));
        return keys;
    }

    /** The ledger keys of a booking's or an order's person (empty for any other data). */
    public List<String> keysOf(Object data) {
        if (data instanceof BookingEvent b) {
            return keys(b.shop(), b.customer().email(), b.customer().shopifyId(),
                    b.order() == null ? null : b.order().id());
        }
        if (data instanceof OrderEvent o) {
            String email = o.email() != null ? o.email() : o.customer() == null ? null : o.customer().email();
            return keys(o.shop(), email, o.customer() == null ? null : o.customer().shopifyId(), o.orderId());
        }
        return List.of();
    }

    private List<String> keys(String shop, String email, Long customerId, Long orderId) {
        List<String> keys = new ArrayList<>(3);
        String normalized = Emails.normalize(email);
        if (normalized != null) {
            keys.add(key(shop, "email:" + normalized));
        }
        if (customerId != null) {
            keys.add(key(shop, "customer:" + customerId));
        }
        if (orderId != null) {
            keys.add(key(shop, "order:" + orderId));
        }
        return keys;
    }

    /** HMAC-SHA256 of {@code shop + "\n" + identity}, hex. */
    String key(String shop, String identity) {
        byte[] subject = (shop + "\n" + identity).getBytes(StandardCharsets.UTF_8);
        return HexFormat.of().formatHex(newMac().doFinal(subject));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
