package io.customerflow.ingest.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.customerflow.ingest.config.IngestConfig;

/**
 * Instant-booking API keys. Only SHA-256 hashes are configured; a key is found by hashing what the client sent
 * and comparing in constant time with every configured hash.
 */
@ApplicationScoped
public class ApiKeys {

    /** An authenticated client and the shops it may book for. */
    public record Client(String name, Set<String> shops) {
        public boolean mayBookFor(String shop) {
            return shops.contains(shop);
        }
    }

    private record Entry(byte[] hash, Client client) {
    }

    private final List<Entry> entries;

    @Inject
    public ApiKeys(IngestConfig config) {
        this(config.apiClients());
    }

    public ApiKeys(Map<String, IngestConfig.ApiClient> clients) {
        this.entries = clients.entrySet().stream()
                .map(e -> new Entry(HexFormat.of().parseHex(e.getValue().keySha256().trim().toLowerCase()),
                        new Client(e.getKey(), Set.copyOf(e.getValue().shops()))))
                .toList();
    }

    /** The client of a {@code Bearer} authorization header, if its key is known. */
    public Optional<Client> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        byte[] hash = sha256(authorization.substring(7).trim());
        Client found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.hash(), hash)) {
                found = entry.client();
            }
        }
        return Optional.ofNullable(found);
    }

    public static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hex SHA-256, the form keys are configured in. */
    public static String sha256Hex(String value) {
        return HexFormat.of().formatHex(sha256(value));
    }
}
