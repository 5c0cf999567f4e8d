package io.customerflow.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Kafka record keys without a person in them. {@link EventKeys} says whose events belong together
 * ({@code {shop}/{normalized email}}, {@code {shop}/customer-{id}}, ...): that <em>basis</em> never leaves the
 * producer. On the wire the key is {@code {shop}/k-} and 22 characters of a keyed hash of the basis (HMAC-SHA256 under
 * the deployment's {@code privacy.ledger-key}, domain-separated from the ledger's own marks), so one customer still
 * has one key, and no email or id can be read from a topic or tested against it without the key. Shop-wide keys (the
 * shop alone) stay as they are: a shop is not a person.
 *
 * <p>The partition stays what the basis gave before this change ({@link RecordKeyPartitioner}): records written
 * with the old, readable keys and records written after are in the same partition per customer, in order.
 */
public final class RecordKeys {

    private static final Pattern HASHED = Pattern.compile("k-[A-Za-z0-9_-]{22}");
    private static final byte[] DOMAIN = "kafka-record-key\n".getBytes(StandardCharsets.UTF_8);

    /**
     * A key as the producer hands it to Kafka: the wire form is what is written, the basis only decides the partition.
     */
    public record Key(String wire, String basis) {
        @Override
        public String toString() {
            return wire;
        }
    }

    private final SecretKeySpec secret;
    private final ThreadLocal<Mac> macs;

    /** @param secret the ledger key ({@code privacy.ledger-key}) */
    public RecordKeys(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("the record key secret is empty");
        }
        this.secret = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** The key to write for a basis of {@link EventKeys}; null for null. */
    public Key of(String basis) {
        if (basis == null) {
            return null;
        }
        int slash = basis.indexOf('/');
        if (slash < 0 || isHashed(basis)) {
            return new Key(basis, basis);
        }
        Mac mac = macs.get();
        mac.update(DOMAIN);
        byte[] digest = mac.doFinal(basis.getBytes(StandardCharsets.UTF_8));
        String hash = Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        return new Key(basis.substring(0, slash) + "/k-" + hash, basis);
    }

    /**
     * The wire form of a key read from a topic: a readable key written before this change becomes the hashed key the
     * same customer has now, so a consumer that orders work by key treats both as one customer.
     */
    public String canonical(String key) {
        return key == null ? null : of(key).wire();
    }

    /** True for a shop-wide key or one already hashed: nothing of a person in it. */
    public static boolean isPersonFree(String key) {
        return key == null || key.indexOf('/') < 0 || isHashed(key);
    }

    private static boolean isHashed(String key) {
        int slash = key.indexOf('/');
        return slash >= 0 && HASHED.matcher(key.substring(slash + 1)).matches();
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
