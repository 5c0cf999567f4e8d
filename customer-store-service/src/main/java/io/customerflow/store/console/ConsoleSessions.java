package io.customerflow.store.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.customerflow.store.config.StoreConfig;
import io.customerflow.store.rest.StoreClients;
import io.quarkus.logging.Log;

/**
 * Console sessions as signed cookies: {@code client|expiry|nonce|token tag} and its HMAC, so any replica sharing
 * {@code store.console.session-key} accepts it. The cookie names the client, never its token; each request looks the
 * client up again, so a client removed from config is signed out, and the token tag (an HMAC of the client's
 * configured digest) ends the session when the client's token is rotated. Sign-out revokes the nonce server-side
 * ({@code RevokedSessions}): a copied cookie stops working too. The CSRF token
 * of a session (or of a sign-in form) is the HMAC of its nonce: a page from another origin can't read it, and
 * SameSite=Strict keeps the cookie off cross-site requests anyway.
 */
@ApplicationScoped
public class ConsoleSessions {

    public static final String COOKIE = "cf_session";
    /** The sign-in form's own nonce, so the form carries a CSRF token before anyone is signed in. */
    public static final String SIGN_IN_COOKIE = "cf_sign_in";

    /**
     * A signed-in operator: the client, the shops it reads, the CSRF token its forms carry, and what revoking it
     * needs (its nonce's digest and its expiry).
     */
    public record Session(StoreClients.Client client, String csrf, String nonceSha256, java.time.Instant expiresAt) {
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private final long ttlSeconds;
    private final StoreClients clients;
    private final Clock clock;

    @Inject
    public ConsoleSessions(StoreConfig config, StoreClients clients) {
        this(config.console().sessionKey().map(k -> k.getBytes(StandardCharsets.UTF_8)).orElseGet(() -> {
            Log.info("store.console.session-key is not set: console sessions end with this process");
            return randomBytes(32);
        }), config.console().sessionTtl().toSeconds(), clients, Clock.systemUTC());
    }

    ConsoleSessions(byte[] key, long ttlSeconds, StoreClients clients, Clock clock) {
        this.key = key.clone();
        this.ttlSeconds = ttlSeconds;
        this.clients = clients;
        this.clock = clock;
    }

    /** The cookie value of a new session of this client. */
    public String open(StoreClients.Client client) {
        String payload = client.name() + "|" + (clock.instant().getEpochSecond() + ttlSeconds) + "|" + nonce() + "|"
                + tokenTag(client);
        String encoded = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return encoded + "." + B64.encodeToString(hmac("session|" + encoded));
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }

    /** The session of a cookie value: signed by this key, not expired, its client still configured. */
    public Optional<Session> read(String cookie) {
        if (cookie == null) {
            return Optional.empty();
        }
        int dot = cookie.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String encoded = cookie.substring(0, dot);
        byte[] signature;
        String payload;
        try {
            signature = Base64.getUrlDecoder().decode(cookie.substring(dot + 1));
            payload = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(signature, hmac("session|" + encoded))) {
            return Optional.empty();
        }
        String[] parts = payload.split("\\|", 4);
        if (parts.length != 4 || !parts[1].matches("[0-9]{1,12}")
                || Long.parseLong(parts[1]) < clock.instant().getEpochSecond()) {
            return Optional.empty();
        }
        return clients.named(parts[0]).filter(client -> matches(tokenTag(client), parts[3]))
                .map(client -> new Session(client, csrfOf("session|" + parts[2]), sha256(parts[2]),
                        java.time.Instant.ofEpochSecond(Long.parseLong(parts[1]))));
    }

    /** Ties a session to the token digest configured when it was opened. */
    private String tokenTag(StoreClients.Client client) {
        return B64.encodeToString(hmac("token|" + client.tokenSha256())).substring(0, 16);
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh nonce for a sign-in form's cookie. */
    public String signInNonce() {
        return nonce();
    }

    /** The CSRF token the sign-in form carries for its nonce. */
    public String signInCsrf(String nonce) {
        return csrfOf("sign-in|" + nonce);
    }

    /** Whether a submitted CSRF token is the expected one (constant time). */
    public static boolean matches(String expected, String given) {
        return expected != null && given != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private String csrfOf(String what) {
        return B64.encodeToString(hmac("csrf|" + what));
    }

    private byte[] hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nonce() {
        return B64.encodeToString(randomBytes(18));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
