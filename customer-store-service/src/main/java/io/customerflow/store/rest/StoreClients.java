package io.customerflow.store.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.events.ShopDomains;
import io.customerflow.problem.TokenDigests;
import io.customerflow.store.config.StoreConfig;
import io.quarkus.runtime.Startup;

/**
 * Who may read what: the store's API clients ({@code store.api.clients.<name>}), found by the SHA-256 of their token,
 * each scoped to its shops. The JSON API and the console ask the same question. Checked at start: a client without a
 * digest (or with the token pasted in its place) or without shops stops the service, naming the property.
 */
@Startup
@ApplicationScoped
public class StoreClients {

    /** An authenticated client and the shops it may read. */
    /** @param tokenSha256 the digest configured for the client: a session ends when it changes (a token rotation) */
    public record Client(String name, Set<String> shops, String tokenSha256, boolean consoleActions) {
        public boolean mayRead(String shop) {
            return shops.contains("*") || shops.contains(shop);
        }

        /** Whether it may ask for work on the shop in the console (a backfill, a subscription check). */
        public boolean mayAct(String shop) {
            return consoleActions && mayRead(shop);
        }
    }

    private final TokenDigests<Client> digests;
    private final Map<String, Client> byName;

    public StoreClients(StoreConfig config) {
        List<String> problems = problems(config.api().clients());
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid store API clients: " + String.join("; ", problems));
        }
        this.byName = config.api().clients().entrySet().stream().collect(Collectors.toUnmodifiableMap(
                Map.Entry::getKey, e -> new Client(e.getKey(), Set.copyOf(e.getValue().shops()),
                        e.getValue().tokenSha256().toLowerCase(java.util.Locale.ROOT), e.getValue().consoleActions())));
        this.digests = new TokenDigests<>(config.api().clients().entrySet().stream().collect(Collectors.toMap(
                e -> e.getValue().tokenSha256(), e -> byName.get(e.getKey()), (first, second) -> second)));
    }

    /** The client of a token: a bearer token of the API, or one typed into the console's sign-in form. */
    public Optional<Client> signIn(String token) {
        return digests.find(token);
    }

    /** A client by name (a console session names its client: removed from config, the session ends). */
    public Optional<Client> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    static List<String> problems(Map<String, StoreConfig.Client> clients) {
        List<String> problems = new ArrayList<>();
        if (clients.isEmpty()) {
            problems.add("store.api.clients.<name>.token-sha256 and .shops: no client configured, nobody could read");
        }
        clients.forEach((name, client) -> {
            String prefix = "store.api.clients." + name + ".";
            if (!TokenDigests.isDigest(client.tokenSha256())) {
                problems.add(prefix + "token-sha256 must be 64 hex digits (the SHA-256 of the token, not the token)");
            }
            if (client.shops().isEmpty()) {
                problems.add(prefix + "shops is empty");
            }
            client.shops().stream().filter(s -> !s.equals("*") && !s.matches(ShopDomains.PATTERN)).forEach(s ->
                    problems.add(prefix + "shops: '" + s + "' is not a {name}.myshopify.com domain (or *)"));
        });
        return problems;
    }
}
