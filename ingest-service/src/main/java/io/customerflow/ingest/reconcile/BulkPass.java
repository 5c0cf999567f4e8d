package io.customerflow.ingest.reconcile;

import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.customerflow.ingest.client.BulkOrdersClient;
import io.customerflow.ingest.client.BulkResultReader;
import io.customerflow.ingest.client.ShopifyOrdersClient;
import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.shopify.AdminApiFailure;
import io.quarkus.logging.Log;

/**
 * A backfill read through one bulk operation, one step per call: start the operation, ask where it stands (the
 * reconciler calls again after {@code poll-interval} while Shopify prepares it), then stream its result, publishing
 * a batch at a time through the same mapping, seen table and historical marking as a paged pass. The state on the
 * topic names the operation and the byte of its result Kafka acknowledged the orders up to: a pass killed mid-stream
 * reads on from there while the result's address is valid, else starts a new operation (orders published before are
 * then seen and skipped). A failed, cancelled or expired operation is started again; after {@code attempts} of them,
 * or when the result can't be trusted, the backfill falls back to paging.
 */
final class BulkPass {

    /** What a bulk pass needs besides a paged pass's surroundings. */
    record Context(OrderPass.Context pass, BulkOrdersClient bulk, IngestConfig.Bulk config, double keepForLive) {
    }

    private final Context ctx;
    private final Supplier<String> token;
    private final BooleanSupplier goOn;
    private final Consumer<PassState> saved;
    private PassState state;

    BulkPass(Context ctx, PassState start, Supplier<String> token, BooleanSupplier goOn, Consumer<PassState> saved) {
        this.ctx = ctx;
        this.state = start;
        this.token = token;
        this.goOn = goOn;
        this.saved = saved;
    }

    /**
     * @return the state; still {@code RUNNING} when the operation is being prepared (call again after
     *         {@code poll-interval}; one shorter than the reconciler's tick is waited out here)
     */
    PassState run() {
        while (true) {
            waiting = false;
            PassState s = step();
            Duration poll = ctx.config().pollInterval();
            if (!waiting || poll.compareTo(TICK) >= 0 || !goOn.getAsBoolean()) {
                return s;
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return s;
            }
        }
    }

    /** The reconciler's look for due work ({@code Reconciler#tick}). */
    private static final Duration TICK = Duration.ofSeconds(1);

    /** How Shopify reports an operation that ended without a result (and GONE: one it no longer knows). */
    private static final java.util.Set<String> ENDED = java.util.Set.of("FAILED", "CANCELED", "EXPIRED", "GONE");

    /** Set by a step that left the operation being prepared. */
    private boolean waiting;

    private PassState step() {
        PassState.BulkRead read = state.bulk() == null ? PassState.BulkRead.none() : state.bulk();
        if (read.paging()) {
            return paged().run();
        }
        String shop = state.shop();
        try {
            if (state.status() != PassState.Status.RUNNING) {
                save(state.running(now()).reading(read, now()));
            }
            if (read.operation() == null) {
                if (state.ordersTotal() == 0 && read.attempts() == 0) { // for the ETA until the result tells exactly
                    long total = ctx.pass().shopify().count(shop, token.get(), ShopifyOrdersClient.Field.CREATED_AT,
                            state.since(), until()).await().indefinitely();
                    save(state.withTotal(total, now()));
                }
                if (read.attempts() >= ctx.config().attempts()) {
                    return fallBack("bulk_failed", read.attempts() + " bulk operations ended without a result");
                }
                String id = ctx.bulk().start(shop, token.get(), state.since(), until(), ctx.keepForLive())
                        .await().indefinitely();
                bulk("started");
                save(state.reading(read.started(id), now()));
                waiting = true;
                return state;
            }
            BulkOrdersClient.Operation op = ctx.bulk().status(shop, token.get(), read.operation(), ctx.keepForLive())
                    .await().indefinitely();
            String status = op == null ? "GONE" : op.status();
            return switch (status) {
                case "CREATED", "RUNNING", "CANCELING" -> {
                    waiting = true;
                    yield state;
                }
                case "COMPLETED" -> stream(op, read);
                default -> {
                    // FAILED, CANCELED, EXPIRED, or an operation Shopify no longer knows: start it again.
                    // A fixed word: a status ingest does not know must not become a metric tag value.
                    String word = ENDED.contains(status) ? status.toLowerCase(Locale.ROOT) : "unknown_status";
                    bulk(word);
                    Log.warnf("backfill %s: bulk operation %s ended %s (%s)", shop, read.operation(), word,
                            op == null ? "-" : op.errorCode());
                    save(state.reading(read.dropped(), now()));
                    yield step(); // the next operation at once, or paging after the last
                }
            };
        } catch (BulkOrdersClient.Busy e) {
            bulk("busy"); // one bulk query per shop at a time: the other one ends first
            waiting = true;
            return state;
        } catch (BulkOrdersClient.UntrustedAddress e) {
            return fallBack("untrusted_result_url", e.getMessage());
        } catch (AdminApiFailure e) {
            return paged().fail(e.reason() == io.customerflow.consumer.DeadLetterReason.UNAUTHORIZED ? "unauthorized"
                    : e.reason() == io.customerflow.consumer.DeadLetterReason.GAVE_UP ? "unavailable" : "graphql_error",
                    e.getMessage());
        } catch (OrderPass.PublishException e) {
            return paged().fail("publish_failed", e.getMessage());
        } catch (io.customerflow.ingest.service.BadPayloadException e) {
            return paged().fail("graphql_error", e.getMessage());
        }
    }

    /** Reads the completed operation's result from the checkpoint on; a broken download resumes from the last batch. */
    private PassState stream(BulkOrdersClient.Operation op, PassState.BulkRead read) {
        if (state.ordersTotal() != op.rootObjectCount() && state.bulk().offset() == 0) {
            save(state.withTotal(op.rootObjectCount(), now()));
        }
        if (op.url() == null) { // no order in the window: Shopify writes no file
            if (op.rootObjectCount() == 0) {
                return done();
            }
            bulk("no_result");
            save(state.reading(read.dropped(), now()));
            return step();
        }
        for (int attempt = 1;; attempt++) {
            try {
                if (!readFromCheckpoint(op.url(), op.rootObjectCount())) {
                    return state; // stepped down or uninstalled: the next run resumes from the checkpoint
                }
                bulk("completed");
                return done();
            } catch (BulkOrdersClient.ResultGone e) {
                bulk("result_gone");
                Log.warnf("backfill %s: the result of %s can't be read (%s): a new operation", state.shop(),
                        read.operation(), e.getMessage());
                save(state.reading(state.bulk().dropped(), now()));
                return step();
            } catch (BulkResultReader.MalformedResult e) {
                ctx.pass().metrics().problem(state.kind(), e.reason());
                if (e.reason().equals("ungrouped_result")) {
                    return fallBack(e.reason(), e.getMessage());
                }
                Log.warnf("backfill %s: the result of %s is malformed (%s): a new operation", state.shop(),
                        read.operation(), e.getMessage());
                save(state.reading(state.bulk().dropped(), now()));
                return step();
            } catch (IOException e) {
                if (attempt >= 3) {
                    return paged().fail("unavailable", "the result could not be downloaded: " + e.getMessage());
                }
                ctx.pass().metrics().problem(state.kind(), "download_interrupted");
            }
        }
    }

    /** @return false when the pass must stop before the end (this replica stepped down, the shop uninstalled) */
    private boolean readFromCheckpoint(String url, long expected) throws IOException {
        long from = state.bulk().offset();
        try (BulkOrdersClient.Download download = ctx.bulk().open(url, from)) {
            BulkResultReader reader = new BulkResultReader(download.body(), download.startsAt(),
                    ctx.config().maxLineBytes());
            reader.skipTo(from);
            List<ShopifyOrdersClient.Entry> batch = new ArrayList<>();
            long end = from;
            BulkResultReader.Read next;
            while ((next = reader.next()) != null) {
                batch.add(next.entry());
                end = next.endOffset();
                if (batch.size() >= ctx.config().batchSize()) {
                    publish(batch, end);
                    if (!goOn.getAsBoolean()) {
                        return false;
                    }
                }
            }
            publish(batch, end);
        }
        if (state.ordersScanned() < expected) { // cut short without a transport error: not the whole window
            throw new BulkResultReader.MalformedResult("malformed_result", "the result holds "
                    + state.ordersScanned() + " orders, Shopify counted " + expected);
        }
        return true;
    }

    private void publish(List<ShopifyOrdersClient.Entry> batch, long end) {
        if (batch.isEmpty()) {
            return;
        }
        OrderBatch.Published done = OrderBatch.publish(ctx.pass(), state, batch, true, false);
        save(state.advancedTo(end, batch.size(), done.bookings(), done.events(), now()));
        batch.clear();
    }

    private PassState done() {
        ctx.pass().metrics().pass(state.kind(), "done");
        return save(state.finished(PassState.Status.DONE, null, now()));
    }

    private PassState fallBack(String reason, String message) {
        Log.warnf("backfill %s: falls back to paging: %s [%s]", state.shop(), message, reason);
        bulk("fallback");
        save(state.reading(state.bulk() == null ? PassState.BulkRead.none().fellBack(reason)
                : state.bulk().fellBack(reason), now()));
        return paged().run();
    }

    private OrderPass paged() {
        return new OrderPass(ctx.pass(), state, token, goOn, saved);
    }

    private OffsetDateTime until() {
        OffsetDateTime upTo = now().minus(ctx.pass().settle());
        return state.until() != null && state.until().isBefore(upTo) ? state.until() : upTo;
    }

    private void bulk(String outcome) {
        ctx.pass().metrics().bulk(outcome);
    }

    private PassState save(PassState next) {
        OrderPass.write(ctx.pass(), next);
        state = next;
        saved.accept(next);
        return next;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
