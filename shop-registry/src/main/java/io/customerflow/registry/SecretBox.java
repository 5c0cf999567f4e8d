package io.customerflow.registry;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the registry's secrets one field at a time: AES-256-GCM with a fresh 96-bit nonce per seal, under the active
 * data key, the shop and the field name bound as associated data (a sealed token copied into another shop's record,
 * or into another field, fails to open). A sealed value reads {@code gcm1:<key id>:<base64 nonce+ciphertext+tag>}, so
 * a key retired from sealing still opens what it sealed until every record has been sealed again under the new one.
 */
public final class SecretBox {

    private static final String PREFIX = "gcm1:";
    private static final int NONCE_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, SecretKeySpec> keys = new TreeMap<>();
    private final String active;

    /**
     * @param keys data keys by id, each 32 bytes in base64
     * @param active the id that seals; may be null when exactly one key is given
     * @throws IllegalStateException naming the property when a key is missing or malformed
     */
    public SecretBox(Map<String, String> keys, String active) {
        if (keys.isEmpty()) {
            throw new IllegalStateException("shop-registry.data-keys is empty: set shop-registry.data-keys.<id> to 32 "
                    + "random bytes in base64 (SHOP_REGISTRY_DATA_KEYS_<ID>), the same in every service");
        }
        keys.forEach((id, value) -> {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(value.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("shop-registry.data-keys." + id + " is not base64");
            }
            if (key.length != 32) {
                throw new IllegalStateException("shop-registry.data-keys." + id + " must be 32 bytes (AES-256), not "
                        + key.length);
            }
            if (!id.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new IllegalStateException("shop-registry.data-keys." + id + ": a key id is 1-32 letters, digits, - or _");
            }
            this.keys.put(id, new SecretKeySpec(key, "AES"));
        });
        if (active == null || active.isBlank()) {
            if (keys.size() > 1) {
                throw new IllegalStateException("shop-registry.active-key is not set: with several data keys, name "
                        + "the one that seals");
            }
            this.active = keys.keySet().iterator().next();
        } else if (!keys.containsKey(active)) {
            throw new IllegalStateException("shop-registry.active-key " + active + " is not among shop-registry.data-keys");
        } else {
            this.active = active;
        }
    }

    public static SecretBox of(ShopRegistryConfig config) {
        return new SecretBox(config.dataKeys(), config.activeKey().orElse(null));
    }

    /** The id of the key that seals. */
    public String activeKey() {
        return active;
    }

    /** Seals {@code plain} for the shop's field; null stays null. */
    public String seal(String shop, String field, String plain) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(active), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad(shop, field));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + active + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /**
     * Opens a sealed value of the shop's field; null stays null.
     *
     * @throws SealedSecretException when it isn't sealed, its key is unknown, or it was sealed for another shop or
     *     field or altered (the message names the key id and field only)
     */
    public String open(String shop, String field, String sealed) {
        if (sealed == null) {
            return null;
        }
        String id = keyId(sealed);
        SecretKeySpec key = keys.get(id);
        if (key == null) {
            throw new SealedSecretException(field + " is sealed with key " + id + ", not among shop-registry.data-keys");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length() + id.length() + 1));
            if (in.length < NONCE_BYTES + 16) {
                throw new SealedSecretException(field + " is too short to be sealed");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, NONCE_BYTES));
            cipher.updateAAD(aad(shop, field));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SealedSecretException(field + " is not base64 after its key id");
        } catch (GeneralSecurityException e) {
            throw new SealedSecretException(field + " does not open with key " + id
                    + ": sealed for another shop or field, or altered");
        }
    }

    /** Whether a sealed value (null counts as current) is sealed with the active key. */
    public boolean isCurrent(String sealed) {
        return sealed == null || (sealed.startsWith(PREFIX) && keyId(sealed).equals(active));
    }

    /** The id of the key a value is sealed with. */
    public static String keyId(String sealed) {
        int end = sealed.indexOf(':', PREFIX.length());
        if (!sealed.startsWith(PREFIX) || end < 0) {
            throw new SealedSecretException("a secret is not sealed (" + PREFIX + "<key id>:...)");
        }
        return sealed.substring(PREFIX.length(), end);
    }

    private static byte[] aad(String shop, String field) {
        return (shop + "\n" + field).getBytes(StandardCharsets.UTF_8);
    }

    /** A sealed secret that can't be opened here; never carries the secret. */
    public static final class SealedSecretException extends RuntimeException {
        SealedSecretException(String message) {
            super(message, null, false, false);
        }
    }
}
