package io.customerflow.shopify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;

/** The product-tag cache against a counting look-up and a clock the test moves. */
class ProductTagCacheTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final List<String> lookups = new ArrayList<>();
    final ProductTagCache cache = new ProductTagCache((shop, ids) -> {
        lookups.add(shop + " " + ids);
        return Uni.createFrom().item(Map.of(8012L, Set.of("sesami-service")));
    }, Duration.ofMinutes(10), now::get);

    Set<String> tagsOf(String shop, long productId) {
        return cache.tags(shop, Set.of(productId)).await().indefinitely().get(productId);
    }

    @Test
    void hundredOrdersOfOneProductCostOneLookupUntilTheTtlExpires() {
        for (int i = 0; i < 100; i++) {
            assertEquals(Set.of("sesami-service"), tagsOf("a.myshopify.com", 8012L));
            now.addAndGet(Duration.ofSeconds(5).toNanos()); // 100 orders over 8 min 20 s: all within the TTL
        }
        assertEquals(List.of("a.myshopify.com [8012]"), lookups);

        now.addAndGet(Duration.ofMinutes(2).toNanos()); // 10 min 20 s after the look-up
        assertEquals(Set.of("sesami-service"), tagsOf("a.myshopify.com", 8012L));
        assertEquals(List.of("a.myshopify.com [8012]", "a.myshopify.com [8012]"), lookups, "expired: looked up again");
    }

    @Test
    void shopsAreCachedApartAndProductsWithoutTagsToo() {
        assertEquals(Set.of(), tagsOf("a.myshopify.com", 9999L));
        assertEquals(Set.of(), tagsOf("a.myshopify.com", 9999L));
        assertEquals(Set.of("sesami-service"), tagsOf("b.myshopify.com", 8012L));
        assertEquals(List.of("a.myshopify.com [9999]", "b.myshopify.com [8012]"), lookups);
    }

    @Test
    void anAnswerIsReadByProductGidAndAnythingElseIsRefused() throws Exception {
        var json = new ObjectMapper();
        assertEquals(Map.of(803L, Set.of("sesami-service", "Massage"), 804L, Set.of()), ProductTagCache.parse(json.readTree(
                "{\"nodes\": [{\"id\": \"gid://shopify/Product/803\", \"tags\": [\"sesami-service\", \"Massage\"]},"
                        + " {\"id\": \"gid://shopify/Product/804\", \"tags\": []}, null, {}]}")));
        assertThrows(IllegalStateException.class, () -> ProductTagCache.parse(json.readTree(
                "{\"nodes\": [{\"id\": \"gid://shopify/Customer/1\", \"tags\": [\"sesami-service\"]}]}")));
        assertEquals(Map.of("ids", List.of("gid://shopify/Product/7")), ProductTagCache.variables(List.of(7L)));
    }
}
