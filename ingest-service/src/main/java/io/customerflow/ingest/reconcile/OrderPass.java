package io.customerflow.ingest.reconcile;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.customerflow.events.EventRecord;
import io.customerflow.ingest.client.ShopifyOrdersClient;
import io.customerflow.ingest.service.WebhookEvents;
import io.customerflow.shopify.AdminApiFailure;
import io.quarkus.logging.Log;

/**
 * One pass over one shop's orders: page by page, each order turned into exactly the events its missed webhooks
 * would have produced, published, then remembered as seen, then the checkpoint moved; a page's checkpoint is written
 * only after Kafka acknowledged its events. Blocking: it runs on the reconciler's own threads.
 */
final class OrderPass {

    /** What a pass needs from its surroundings. */
    record Context(ShopifyOrdersClient shopify, WebhookEvents events, Publisher publisher, OrdersSeen seen,
            PassStates states, ReconcileMetrics metrics, Duration settle) {
    }

    /** Publishes records and waits for Kafka's acknowledgement (ingest's {@code EventPublisher}). */
    interface Publisher {
        void publish(List<EventRecord<?>> records);
    }

    private final Context ctx;
    private final java.util.function.Supplier<String> token;
    private final BooleanSupplier goOn;
    private final Consumer<PassState> saved;
    private PassState state;

    OrderPass(Context ctx, PassState start, java.util.function.Supplier<String> token, BooleanSupplier goOn, Consumer<PassState> saved) {
        this.ctx = ctx;
        this.state = start;
        this.token = token;
        this.goOn = goOn;
        this.saved = saved;
    }

    PassState run() {
        String shop = state.shop();
        PassState.Kind kind = state.kind();
        boolean backfill = kind == PassState.Kind.BACKFILL;
        ShopifyOrdersClient.Field field = backfill ? ShopifyOrdersClient.Field.CREATED_AT
                : ShopifyOrdersClient.Field.UPDATED_AT;
        OffsetDateTime upTo = now().minus(ctx.settle());
        if (state.until() != null && state.until().isBefore(upTo)) {
            upTo = state.until();
        }
        try {
            save(state.running(now()));
            if (backfill && state.ordersTotal() == 0) {
                long total = ctx.shopify().count(shop, token.get(), field, state.since(), upTo).await().indefinitely();
                save(state.withTotal(total + state.ordersScanned(), now()));
            }
            // One window per run, paged by cursor (a cursor belongs to its query); the checkpoint records progress
            // for the next run.
            OffsetDateTime from = state.checkpoint();
            String cursor = null;
            do {
                if (!goOn.getAsBoolean()) {
                    return state; // stepped down or uninstalled: the state on the topic is where the next run resumes
                }
                ShopifyOrdersClient.Page page = ctx.shopify().page(shop, token.get(), field, from, upTo, cursor)
                        .await().indefinitely();
                handle(page, field, backfill);
                cursor = page.endCursor();
                if (!page.hasNextPage() || cursor == null) {
                    break;
                }
            } while (true);
            // The checkpoint stays at the last order read, not the window's end: an order Shopify's search index
            // showed late (after the window closed) is still in the next window.
            ctx.metrics().pass(kind, "done");
            return save(state.finished(PassState.Status.DONE, null, now()));
        } catch (AdminApiFailure e) {
            String reason = switch (e.reason()) {
                case UNAUTHORIZED -> "unauthorized";
                case GAVE_UP -> "unavailable";
                default -> "graphql_error";
            };
            return fail(reason, e.getMessage());
        } catch (PublishException e) {
            return fail("publish_failed", e.getMessage());
        } catch (io.customerflow.ingest.service.BadPayloadException e) {
            return fail("graphql_error", e.getMessage());
        }
    }

    private void handle(ShopifyOrdersClient.Page page, ShopifyOrdersClient.Field field, boolean backfill) {
        // After a bulk read whose result broke its shape, orders it published may lack line items: read them again.
        boolean republish = state.bulk() != null && "ungrouped_result".equals(state.bulk().fallback());
        OrderBatch.Published done = OrderBatch.publish(ctx, state, page.orders(),
                field == ShopifyOrdersClient.Field.CREATED_AT, republish);
        OffsetDateTime checkpoint = done.latest() != null && done.latest().isAfter(state.checkpoint()) ? done.latest()
                : state.checkpoint();
        save(state.advanced(checkpoint, page.orders().size(), done.bookings(), done.events(), now()));
    }

    PassState fail(String reason, String message) {
        Log.warnf("reconcile %s (%s) stopped: %s [%s]", state.shop(), state.kind().word(), message, reason);
        ctx.metrics().problem(state.kind(), reason);
        ctx.metrics().pass(state.kind(), "failed");
        try {
            return save(state.finished(PassState.Status.FAILED, reason, now()));
        } catch (PublishException e) {
            return state.finished(PassState.Status.FAILED, reason, now());
        }
    }

    private PassState save(PassState next) {
        write(ctx, next);
        state = next;
        saved.accept(next);
        return next;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    /** Writes a pass's state and waits for Kafka's acknowledgement: a checkpoint moves only once Kafka holds it. */
    static void write(Context ctx, PassState next) {
        try {
            ctx.states().write(next).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new PublishException("state not acknowledged: " + e);
        }
    }

    /** Kafka did not acknowledge: the page is read again by the next run. */
    static final class PublishException extends RuntimeException {
        PublishException(String message) {
            super(message);
        }
    }
}
