package io.customerflow.store.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.customerflow.store.config.StoreConfig;

/** A misconfigured client stops the start, naming the property. */
class StoreClientsTest {

    record C(String tokenSha256, Set<String> shops) implements StoreConfig.Client {
        @Override
        public boolean consoleActions() {
            return false;
        }
    }

    @Test
    void eachBadClientIsNamedWithItsProperty() {
        assertEquals(List.of("store.api.clients.<name>.token-sha256 and .shops: no client configured, nobody could read"),
                StoreClients.problems(Map.of()));
        assertEquals(List.of(
                "store.api.clients.pasted.token-sha256 must be 64 hex digits (the SHA-256 of the token, not the token)",
                "store.api.clients.pasted.shops: 'downtown' is not a {name}.myshopify.com domain (or *)"),
                StoreClients.problems(Map.of("pasted", new C("local-demo-store-token", Set.of("downtown")))));
        assertEquals(List.of("store.api.clients.none.shops is empty"), StoreClients.problems(Map.of("none",
                new C("a0a084a3b64b35e69f32fc4f05da1758ecda02c2ad163bbdf2b8e6f5e918da0c", Set.of()))));
        assertEquals(List.of(), StoreClients.problems(Map.of("ok",
                new C("A0A084A3B64B35E69F32FC4F05DA1758ECDA02C2AD163BBDF2B8E6F5E918DA0C", Set.of("*")))));
    }
}
