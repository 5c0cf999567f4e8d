package io.customerflow.store.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.customerflow.store.config.StoreConfig;
import io.customerflow.store.rest.StoreClients;

/** A console session is tied to the token digest configured when it was opened: a rotated token ends it. */
class ConsoleSessionsTest {

    private static final byte[] KEY = "session-key".getBytes(StandardCharsets.UTF_8);
    private static final String OLD = "a".repeat(64);
    private static final String NEW = "b".repeat(64);

    @Test
    void aSessionEndsWhenItsClientsTokenIsRotated() {
        ConsoleSessions before = sessions(OLD);
        String cookie = before.open(new StoreClients(config(OLD)).named("ops").orElseThrow());
        assertTrue(before.read(cookie).isPresent(), "the session works while the token is the same");
        assertTrue(sessions(OLD).read(cookie).isPresent(), "on any replica with the same key and token");
        assertEquals(java.util.Optional.empty(), sessions(NEW).read(cookie), "the token was rotated");
    }

    private static ConsoleSessions sessions(String digest) {
        return new ConsoleSessions(KEY, 3600, new StoreClients(config(digest)), Clock.systemUTC());
    }

    /** A StoreConfig of one client {@code ops} reading every shop with the given token digest. */
    private static StoreConfig config(String digest) {
        StoreConfig.Client client = stub(StoreConfig.Client.class, Map.of("tokenSha256", digest, "shops", Set.of("*"),
                "consoleActions", false));
        StoreConfig.Api api = stub(StoreConfig.Api.class, Map.of("clients", Map.of("ops", client), "maxPageSize", 500));
        return stub(StoreConfig.class, Map.of("api", api));
    }

    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
            if (!answers.containsKey(method.getName())) {
                throw new UnsupportedOperationException(method.getName());
            }
            return answers.get(method.getName());
        });
    }
}
