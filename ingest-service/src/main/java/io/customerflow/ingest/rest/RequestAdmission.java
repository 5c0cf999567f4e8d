package io.customerflow.ingest.rest;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.ingest.messaging.OverloadedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Admission for Shopify's webhooks: past {@link AdmissionLimit} a delivery is answered 503 with {@code Retry-After}
 * (the at-capacity problem) before its signature is checked or its JSON parsed. Past capacity the work ingest takes
 * on is then the work it can finish in time; without this every delivery queues for a core and each answers late, or
 * not at all (the publish bound alone acts too late: the time goes before publishing). The place is taken once the
 * body has arrived, so a client that sends slowly holds a connection, never a place.
 * <p>
 * Time counts from the request's arrival (stamped by a Vert.x filter as its headers are read), so the waits for the
 * event loop before the resource runs count towards the limit too.
 */
@ApplicationScoped
public class RequestAdmission {

    /** The routing context's key of the arrival time (nanoTime) of a webhook. */
    static final String ARRIVED = "customer-flow.arrived";

    private final AdmissionLimit limit;
    private final Counter shed;

    public RequestAdmission(IngestConfig config, MeterRegistry registry) {
        IngestConfig.Delivery delivery = config.delivery(); // checked at start: ApiClientConnections
        this.limit = new AdmissionLimit(delivery.maxConcurrentRequests(), delivery.latencyTarget().toNanos());
        this.shed = Counter.builder("ingest.requests.shed")
                .description("Webhooks refused at admission (503 + Retry-After) past the adaptive limit")
                .register(registry);
        Gauge.builder("ingest.admission.limit", limit, AdmissionLimit::limit)
                .description("Webhooks ingest works on at once before refusing more").register(registry);
        Gauge.builder("ingest.admission.in.progress", limit, AdmissionLimit::inProgress)
                .description("Webhooks being worked on").register(registry);
    }

    void stampArrivals(@Observes Filters filters) {
        filters.register(rc -> {
            rc.put(ARRIVED, System.nanoTime());
            rc.next();
        }, 2000);
    }

    /** When the request arrived (nanoTime), or now if no filter stamped it. */
    static long arrived(RoutingContext rc) {
        Long arrived = rc == null ? null : rc.get(ARRIVED);
        return arrived == null ? System.nanoTime() : arrived;
    }

    /**
     * Runs {@code work} in a place of the limit, or fails at once with {@link OverloadedException} when no place is
     * free; the time from {@code arrivedNanos} to the end of the work adapts the limit.
     */
    public <T> Uni<T> admit(long arrivedNanos, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            if (!limit.tryAcquire()) {
                shed.increment();
                return Uni.createFrom().<T>failure(new OverloadedException());
            }
            // Once: a client gone just as the work ends can cancel after the item, and the callback would run twice.
            java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
            return Uni.createFrom().<T>deferred(work::get).onTermination().invoke(() -> {
                if (released.compareAndSet(false, true)) {
                    long now = System.nanoTime();
                    limit.release(now - arrivedNanos, now);
                }
            });
        });
    }
}
