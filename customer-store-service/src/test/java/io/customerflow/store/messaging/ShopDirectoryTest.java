package io.customerflow.store.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.customerflow.store.config.StoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The directory over its topics' records, as a tail that starts over after a failure reads them: read twice, each
 * record counts once (no command twice in the audit, no shop lost meanwhile); a hostile record is skipped and counted.
 */
class ShopDirectoryTest {

    private static final String ID = "0b6f7f5e-3f7e-4a4e-9f0c-2d7f4c1b9a10";

    @Test
    void recordsReadAgainCountOnceAndHostileOnesAreSkipped() {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        ShopDirectory directory = new ShopDirectory(config(), Map.of("bootstrap.servers", "127.0.0.1:1"), metrics);
        List<ConsumerRecord<String, byte[]>> records = List.of(
                record("r", "a-shop.myshopify.com", "{\"shop\": \"a-shop.myshopify.com\", \"status\": \"installed\"}"),
                record("r", "evil", "{\"shop\": \"evil\", \"status\": \"installed\"}"),
                record("r", "b-shop.myshopify.com", "{\"shop\": \"a-shop.myshopify.com\", \"status\": \"installed\"}"),
                record("h", "a-shop.myshopify.com/klaviyo", "{\"state\": \"revoked\", \"at\": \"2026-12-04T10:00:00Z\"}"),
                record("h", "a-shop.myshopify.com/klaviyo", "{\"state\": \"<script>\", \"at\": \"2026-12-04T11:00:00Z\"}"),
                record("c", "a-shop.myshopify.com", "{\"id\": \"" + ID + "\", \"shop\": \"a-shop.myshopify.com\","
                        + " \"action\": \"check-subscriptions\", \"by\": \"ops\", \"at\": \"2026-12-04T10:00:00Z\"}"),
                record("c", "a-shop.myshopify.com", "not json"));
        records.forEach(directory::apply);
        records.forEach(directory::apply); // the tail started over

        var page = directory.page(shop -> true, null, null, 0, 50);
        assertEquals(List.of("a-shop.myshopify.com"), page.items().stream().map(v -> v.shop()).toList(),
                "a key that is no shop, or a record naming another shop than its key, is skipped");
        assertEquals(List.of("klaviyo_revoked"), page.items().get(0).problems(), "the hostile report changed nothing");
        assertEquals(1, directory.audit(shop -> true, 10).size(), "a command read twice is listed once");
        assertEquals(0, directory.audit(shop -> false, 10).size(), "only the operator's shops");
        double skipped = metrics.find("store.console.records.skipped").counters().stream()
                .mapToDouble(c -> c.count()).sum();
        assertEquals(8.0, skipped, "each hostile record skipped and counted, on each reading");
        assertTrue(metrics.find("store.shops").tag("state", "attention").gauge().value() == 1.0);
    }

    private static ConsumerRecord<String, byte[]> record(String topic, String key, String value) {
        return new ConsumerRecord<>(topic, 0, 0, key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static StoreConfig config() {
        StoreConfig.Console console = stub(StoreConfig.Console.class, Map.of("registryTopic", "r", "healthTopic", "h",
                "reconcileStateTopic", "p", "commandsTopic", "c", "webhooksQuietAfter", Duration.ofHours(24)));
        return stub(StoreConfig.class, Map.of("console", console));
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
