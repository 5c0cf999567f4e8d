package io.customerflow.ingest.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

/**
 * The OAuth {@code state} of an install, bound to the browser that started it: a random nonce sent to Shopify and, in
 * an HttpOnly cookie, the same nonce with the shop and an expiry, signed with the app's secret. The callback is
 * accepted only from that browser, for that shop, before the expiry, and once: a used nonce is remembered until it
 * would have expired (per replica; the authorization code it carries works only once at Shopify anyway).
 */
@Singleton
public class InstallStates {

    public static final String COOKIE = "cf_install";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ShopifyApp app;
    private final Map<String, Instant> used = new ConcurrentHashMap<>();

    public InstallStates(ShopifyApp app) {
        this.app = app;
    }

    /** A new state for an install of {@code shop}: the nonce for Shopify and the cookie value for the browser. */
    public Started start(String shop, Duration life) {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        String nonce = HexFormat.of().formatHex(b);
        long expires = Instant.now().plus(life).getEpochSecond();
        String payload = nonce + "." + shop + "." + expires;
        return new Started(nonce, payload + "." + sign(payload));
    }

    public record Started(String nonce, String cookie) {
    }

    /**
     * Checks the callback's state against the browser's cookie and uses it up.
     *
     * @return empty when it holds, else why not (for the 400 answer)
     */
    public Optional<String> use(String state, String shop, String cookie) {
        if (cookie == null || state == null) {
            return Optional.of("the install was not started in this browser (no state cookie): start at /shopify/install");
        }
        String[] parts = cookie.split("\\.");
        if (parts.length != 6) { // nonce . shop (3 parts: name.myshopify.com) . expiry . signature
            return Optional.of("the state cookie is malformed");
        }
        String payload = cookie.substring(0, cookie.lastIndexOf('.'));
        if (!MessageDigest.isEqual(sign(payload).getBytes(StandardCharsets.US_ASCII),
                parts[5].getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("the state cookie is not signed by this app");
        }
        String nonce = parts[0];
        String cookieShop = parts[1] + "." + parts[2] + "." + parts[3];
        Instant expires = Instant.ofEpochSecond(Long.parseLong(parts[4]));
        if (!MessageDigest.isEqual(nonce.getBytes(StandardCharsets.US_ASCII), state.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("state does not match the one this browser started");
        }
        if (!cookieShop.equals(shop)) {
            return Optional.of("the install was started for another shop");
        }
        Instant now = Instant.now();
        if (now.isAfter(expires)) {
            return Optional.of("the install took too long (ingest.app.install-timeout): start again");
        }
        used.values().removeIf(t -> now.isAfter(t));
        if (used.putIfAbsent(nonce, expires) != null) {
            return Optional.of("this state was already used");
        }
        return Optional.empty();
    }

    private String sign(String payload) {
        return OAuthHmac.hex(app.secret(), "install-state\n" + payload);
    }
}
