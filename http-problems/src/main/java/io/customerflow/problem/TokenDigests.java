package io.customerflow.problem;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens kept only as SHA-256 digests (ingest's API keys, the store's API tokens): a token is found by hashing
 * what the client sent and comparing in constant time with every configured digest, so config, memory dumps and
 * logs never hold a usable token.
 *
 * @param <C> what a token stands for (a client and the shops it may use)
 */
public final class TokenDigests<C> {

    private record Entry<C>(byte[] digest, C client) {
    }

    private final List<Entry<C>> entries;

    /** @param byDigest each client by the hex SHA-256 of its token (see {@link #isDigest}) */
    public TokenDigests(Map<String, C> byDigest) {
        this.entries = byDigest.entrySet().stream()
                .map(e -> new Entry<>(HexFormat.of().parseHex(e.getKey().trim().toLowerCase()), e.getValue()))
                .toList();
    }

    /** The client of an {@code Authorization: Bearer <token>} header, if its token is known. */
    public Optional<C> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return find(authorization.substring(7).trim());
    }

    /** The client of a token (e.g. typed into a sign-in form), if known. */
    public Optional<C> find(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        byte[] digest = sha256(token.trim());
        C found = null;
        for (Entry<C> entry : entries) {
            // Every entry is compared: the time taken doesn't tell which one matched.
            if (MessageDigest.isEqual(entry.digest(), digest)) {
                found = entry.client();
            }
        }
        return Optional.ofNullable(found);
    }

    /** Whether a configured value is a digest (64 hex digits) rather than, by mistake, the token itself. */
    public static boolean isDigest(String value) {
        return value != null && value.trim().matches("[0-9a-fA-F]{64}");
    }

    public static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hex SHA-256, the form tokens are configured in. */
    public static String sha256Hex(String value) {
        return HexFormat.of().formatHex(sha256(value));
    }
}
