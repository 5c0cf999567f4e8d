package io.customerflow.ingest.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Shopify's signature of a redirect to the app: {@code hmac} = hex HMAC-SHA256, with the app's client secret, of the
 * other query parameters sorted by name and joined as {@code k=v&k=v}; compared in constant time.
 */
public final class OAuthHmac {

    private OAuthHmac() {
    }

    /** Whether the query's {@code hmac} is the app's signature of the rest (a parameter given twice never is). */
    public static boolean verify(String secret, Map<String, List<String>> query) {
        List<String> given = query.get("hmac");
        if (given == null || given.size() != 1) {
            return false;
        }
        Map<String, String> rest = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (e.getValue().size() != 1) {
                return false;
            }
            if (!e.getKey().equals("hmac")) {
                rest.put(e.getKey(), e.getValue().get(0));
            }
        }
        StringBuilder message = new StringBuilder();
        rest.forEach((k, v) -> message.append(message.length() == 0 ? "" : "&").append(k).append('=').append(v));
        return MessageDigest.isEqual(hex(secret, message.toString()).getBytes(StandardCharsets.US_ASCII),
                given.get(0).toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    static String hex(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
