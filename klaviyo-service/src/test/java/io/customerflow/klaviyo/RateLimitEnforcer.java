package io.customerflow.klaviyo;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * Makes the Klaviyo stand-in enforce Klaviyo's published limits per API key and endpoint, as sliding windows
 * (burst per second, steady per minute): a request over either gets 429 with Retry-After and is counted.
 */
public class RateLimitEnforcer implements ResponseDefinitionTransformerV2 {

    static volatile boolean enforcing;
    static final AtomicInteger OVER_LIMIT = new AtomicInteger();
    private static final Map<String, int[]> LIMITS = Map.of(
            "/api/events", new int[] { 350, 3500 },
            "/api/event-bulk-create-jobs", new int[] { 10, 150 },
            "/api/data-privacy-deletion-jobs", new int[] { 3, 60 },
            "/api/accounts", new int[] { 1, 15 });

    private final Map<String, Deque<Long>> arrivals = new HashMap<>();

    static void reset(boolean enforce) {
        enforcing = enforce;
        OVER_LIMIT.set(0);
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        String path = event.getRequest().getUrl();
        int[] limit = LIMITS.get(path);
        if (!enforcing || limit == null) {
            return event.getResponseDefinition();
        }
        String key = event.getRequest().getHeader("Authorization") + path;
        long now = System.nanoTime();
        synchronized (arrivals) {
            Deque<Long> times = arrivals.computeIfAbsent(key, k -> new ArrayDeque<>());
            while (!times.isEmpty() && now - times.peekFirst() >= 60_000_000_000L) {
                times.pollFirst();
            }
            long lastSecond = times.stream().filter(t -> now - t < 1_000_000_000L).count();
            if (lastSecond >= limit[0] || times.size() >= limit[1]) {
                OVER_LIMIT.incrementAndGet();
                return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition()
                        .withStatus(429).withHeader("Retry-After", "1")
                        .withBody("{\"errors\": [{\"id\": \"x\", \"code\": \"throttled\", \"title\": \"Request was throttled.\","
                                + " \"detail\": \"Request was throttled. Expected available in 1 second.\"}]}")
                        .build();
            }
            times.addLast(now);
        }
        return event.getResponseDefinition();
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }

    @Override
    public String getName() {
        return "klaviyo-rate-limits";
    }
}
