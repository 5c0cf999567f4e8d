package io.customerflow.shopify;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Each shop's Admin API cost budget as Shopify reports it ({@code extensions.cost}): one {@link CostBucket} per shop,
 * and the {@code requestedQueryCost} Shopify last reported per query text, which is what pacing reserves. (A product
 * look-up's cost grows with its ids; the last one reported is a close enough guess for the next.)
 */
final class ShopCostBudgets {

    private final Map<String, CostBucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, Integer> requestedCosts = new ConcurrentHashMap<>();
    private final int assumedCallCost;

    /** @param assumedCallCost what a query is taken to cost before Shopify has reported its cost */
    ShopCostBudgets(int assumedCallCost) {
        this.assumedCallCost = assumedCallCost;
    }

    /**
     * Reserves this query's cost in the shop's bucket; the reservation says how long to wait before sending it (zero
     * when it fits now) and must be settled by {@link #observe} or {@link #release}.
     */
    Reservation reserve(String shop, String query, double keepShare) {
        int cost = requestedCost(query);
        return new Reservation(cost, bucket(shop).waitFor(cost, keepShare, System.nanoTime()));
    }

    /** What a query is taken to cost until Shopify reports it (instead of the assumed cost of any call). */
    void expect(String query, int cost) {
        requestedCosts.putIfAbsent(query, cost);
    }

    /** A reserved cost and the wait before the call may be sent. */
    record Reservation(int cost, Duration delay) {
        static final Reservation NONE = new Reservation(0, Duration.ZERO);
    }

    /** Completes when a call to the shop may reserve (see {@link CostBucket#firstAnswer}). */
    java.util.concurrent.CompletionStage<Void> mayReserve(String shop) {
        return bucket(shop).firstAnswer();
    }

    /** The reserving call ended without Shopify reporting the bucket. */
    void release(String shop, Reservation reservation) {
        bucket(shop).release(reservation.cost());
    }

    /** How long until this query would fit and leave {@code keepShare} of the bucket, reserving nothing. */
    Duration untilFits(String shop, String query, double keepShare) {
        return bucket(shop).estimate(requestedCost(query), keepShare, System.nanoTime());
    }

    /** How long ago Shopify last reported the shop's bucket. */
    Duration observedAgo(String shop) {
        long ago = bucket(shop).observedAgo(System.nanoTime());
        return ago == Long.MAX_VALUE ? NEVER : Duration.ofNanos(ago);
    }

    /** What {@link #observedAgo} answers before Shopify reported anything. */
    private static final Duration NEVER = Duration.ofDays(365);

    /** How long until this query would fit, reserving nothing. */
    Duration untilFits(String shop, String query) {
        return bucket(shop).estimate(requestedCost(query), System.nanoTime());
    }

    /**
     * Takes in what Shopify reported about a call: the bucket's state and the query's requested cost; settles the
     * call's reservation. Answers whether the reservation is settled (false when the answer carried no bucket).
     */
    boolean observe(String shop, String query, JsonNode cost, Reservation reservation) {
        JsonNode throttle = cost.path("throttleStatus");
        boolean settled = throttle.isObject();
        if (settled) {
            bucket(shop).observe(throttle.path("currentlyAvailable").asDouble(),
                    throttle.path("maximumAvailable").asDouble(), throttle.path("restoreRate").asDouble(),
                    reservation.cost(), System.nanoTime());
        }
        if (cost.path("requestedQueryCost").canConvertToInt()) {
            requestedCosts.put(query, cost.get("requestedQueryCost").asInt());
        }
        return settled;
    }

    /**
     * How long a THROTTLED query waits: zero when Shopify sent the bucket's state (pacing then waits for it), else
     * until the reported restore rate has refilled the requested cost, plus a small margin.
     */
    Duration throttledWait(JsonNode cost) {
        JsonNode throttle = cost.path("throttleStatus");
        if (throttle.isObject()) {
            return Duration.ZERO;
        }
        double requested = cost.path("requestedQueryCost").asDouble(assumedCallCost);
        double available = throttle.path("currentlyAvailable").asDouble(0);
        double rate = throttle.path("restoreRate").asDouble(50);
        double seconds = Math.max(0, requested - available) / Math.max(rate, 1);
        return Duration.ofMillis((long) (seconds * 1000) + 50);
    }

    private int requestedCost(String query) {
        return requestedCosts.getOrDefault(query, assumedCallCost);
    }

    private CostBucket bucket(String shop) {
        return buckets.computeIfAbsent(shop, s -> new CostBucket());
    }
}
