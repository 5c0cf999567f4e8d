package io.customerflow.ingest.service;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.customerflow.problem.TokenDigests;
import io.customerflow.ingest.config.IngestConfig;

/**
 * Instant-booking API keys. Only SHA-256 digests are configured ({@link TokenDigests}): a key is found by hashing
 * what the client sent and comparing in constant time with every configured digest.
 */
@ApplicationScoped
public class ApiKeys {

    /** An authenticated client and the shops it may book for. */
    public record Client(String name, Set<String> shops) {
        public boolean mayBookFor(String shop) {
            return shops.contains(shop);
        }
    }

    private final TokenDigests<Client> digests;

    @Inject
    public ApiKeys(IngestConfig config) {
        this(config.apiClients());
    }

    public ApiKeys(Map<String, IngestConfig.ApiClient> clients) {
        this.digests = new TokenDigests<>(clients.entrySet().stream().collect(Collectors.toMap(
                e -> e.getValue().keySha256(), e -> new Client(e.getKey(), Set.copyOf(e.getValue().shops())),
                (first, second) -> second)));
    }

    /** The client of a key, if known. */
    public Optional<Client> find(String key) {
        return digests.find(key);
    }

    /** Hex SHA-256, the form keys are configured in. */
    public static String sha256Hex(String value) {
        return TokenDigests.sha256Hex(value);
    }
}
