package io.customerflow.ingest.service;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.registry.ShopHealth;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

/**
 * When each shop's last verified webhook arrived, reported to the shop's health (aspect {@code webhooks}) so the
 * console can show a shop that stopped sending. Noted in memory on the request path (one map write); written at most
 * once a minute per shop by a scheduled flush, never per request. Every replica reports what it received: the
 * console keeps the newest.
 */
@ApplicationScoped
public class WebhookArrivals {

    /** The shortest time between two reports of one shop. */
    static final Duration EVERY = Duration.ofMinutes(1);

    private final ShopHealth health;
    private final Map<String, OffsetDateTime> received = new ConcurrentHashMap<>();
    private final Map<String, OffsetDateTime> reported = new ConcurrentHashMap<>();

    public WebhookArrivals(ShopHealth health) {
        this.health = health;
    }

    /** A webhook of the shop passed its signature check now. */
    public void noted(String shop) {
        received.put(shop, OffsetDateTime.now(ZoneOffset.UTC));
    }

    @Scheduled(every = "10s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flush() {
        received.forEach((shop, at) -> {
            OffsetDateTime last = reported.get(shop);
            if (last == null || !at.isBefore(last.plus(EVERY))) {
                reported.put(shop, at);
                health.report(shop, io.customerflow.events.ShopHealthReport.Aspect.WEBHOOKS, new io.customerflow.events.ShopHealthReport("received", at, null, Map.of()))
                        .exceptionally(e -> {
                            reported.remove(shop, at); // the next flush tries again
                            Log.debugf("shop health: webhooks of %s not reported (%s)", shop, e.toString());
                            return null;
                        });
            }
        });
    }
}
