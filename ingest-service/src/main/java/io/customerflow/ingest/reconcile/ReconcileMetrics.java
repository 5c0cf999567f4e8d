package io.customerflow.ingest.reconcile;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The reconciler's meters. Counters: {@code ingest.reconcile.orders{kind, outcome=emitted|already_seen}},
 * {@code ingest.reconcile.problems{kind, reason}} (reason: unauthorized, graphql_error, unavailable, malformed_order,
 * truncated_line_items, publish_failed), {@code ingest.reconcile.passes{kind, outcome=done|failed}}. A backfill's
 * progress per shop: {@code ingest.backfill.orders.total}, {@code ingest.backfill.orders.scanned},
 * {@code ingest.backfill.bookings.found}.
 */
final class ReconcileMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong[]> progress = new ConcurrentHashMap<>();

    ReconcileMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void order(PassState.Kind kind, String outcome) {
        registry.counter("ingest.reconcile.orders", "kind", kind.word(), "outcome", outcome).increment();
    }

    void problem(PassState.Kind kind, String reason) {
        registry.counter("ingest.reconcile.problems", "kind", kind.word(), "reason", reason).increment();
    }

    void pass(PassState.Kind kind, String outcome) {
        registry.counter("ingest.reconcile.passes", "kind", kind.word(), "outcome", outcome).increment();
    }

    /**
     * A backfill's bulk operations: {@code started}, {@code completed}, how one ended without a result
     * ({@code failed}, {@code canceled}, {@code expired}, {@code gone}, {@code unknown_status}, {@code result_gone},
     * {@code no_result}),
     * {@code busy} (another bulk query ran in the shop) and {@code fallback} (the backfill pages instead).
     */
    void bulk(String outcome) {
        registry.counter("ingest.backfill.bulk.operations", "outcome", outcome).increment();
    }

    /** Mirrors a backfill's saved state in its gauges. */
    void progress(PassState state) {
        if (state.kind() != PassState.Kind.BACKFILL) {
            return;
        }
        AtomicLong[] values = progress.computeIfAbsent(state.shop(), shop -> {
            AtomicLong[] v = { new AtomicLong(), new AtomicLong(), new AtomicLong() };
            Gauge.builder("ingest.backfill.orders.total", v[0], AtomicLong::get).tag("shop", shop)
                    .description("Orders in the backfill's window (Shopify's count)").register(registry);
            Gauge.builder("ingest.backfill.orders.scanned", v[1], AtomicLong::get).tag("shop", shop)
                    .description("Orders of the window read so far").register(registry);
            Gauge.builder("ingest.backfill.bookings.found", v[2], AtomicLong::get).tag("shop", shop)
                    .description("Booking line items found so far").register(registry);
            return v;
        });
        values[0].set(state.ordersTotal());
        values[1].set(state.ordersScanned());
        values[2].set(state.bookingsFound());
    }
}
