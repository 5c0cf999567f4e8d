package io.customerflow.ingest.reconcile;

import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * Where one shop's reconciliation or backfill stands: the value of its key on the compacted state topic, written
 * after every page Kafka acknowledged. A pass that dies resumes from {@code checkpoint}.
 *
 * @param since      start of the window (a reconciliation's first pass: now minus {@code first-lookback})
 * @param until      end of a backfill's window; null for reconciliation (it reads up to now minus {@code settle})
 * @param checkpoint the window's field (updated_at, or created_at for a backfill) of the last order of the last
 *                   acknowledged page; the next page or pass starts there (orders at that instant are re-read and
 *                   recognised as seen)
 * @param problem    the fixed reason word of the last failure, or null
 * @param bulk       a backfill read through a bulk operation: which one and how far its result was read; null for a
 *                   paged pass
 */
public record PassState(String shop, Kind kind, Status status, OffsetDateTime since, OffsetDateTime until,
        OffsetDateTime checkpoint, long ordersTotal, long ordersScanned, long bookingsFound, long eventsPublished,
        OffsetDateTime startedAt, OffsetDateTime savedAt, OffsetDateTime finishedAt, String problem, BulkRead bulk) {

    public enum Kind {
        /** On the schedule: orders updated since the checkpoint. */
        RECONCILE,
        /** Started by an operator: orders created in a range, published as historical. */
        BACKFILL;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Status {
        /** A backfill asked for; the replica running the passes starts it. */
        REQUESTED,
        RUNNING,
        DONE,
        /** Stopped by a failure (see {@code problem}); a reconciliation tries again after the interval. */
        FAILED,
        /** The app was uninstalled from the shop: no pass runs until a backfill is requested again. */
        UNINSTALLED
    }

    /** The key on the state topic, e.g. {@code reconcile/downtown-salon.myshopify.com}. */
    public static String key(Kind kind, String shop) {
        return kind.word() + "/" + shop;
    }

    public String key() {
        return key(kind, shop);
    }

    public static PassState requested(Kind kind, String shop, OffsetDateTime since, OffsetDateTime until,
            OffsetDateTime now) {
        return new PassState(shop, kind, Status.REQUESTED, since, until, since, 0, 0, 0, 0, null, now, null, null, null);
    }

    public PassState running(OffsetDateTime now) {
        return new PassState(shop, kind, Status.RUNNING, since, until, checkpoint, ordersTotal, ordersScanned,
                bookingsFound, eventsPublished, startedAt == null || status != Status.RUNNING ? now : startedAt, now,
                null, null, bulk);
    }

    public PassState withTotal(long total, OffsetDateTime now) {
        return new PassState(shop, kind, status, since, until, checkpoint, total, ordersScanned, bookingsFound,
                eventsPublished, startedAt, now, finishedAt, problem, bulk);
    }

    public PassState advanced(OffsetDateTime newCheckpoint, long scanned, long bookings, long events,
            OffsetDateTime now) {
        return new PassState(shop, kind, status, since, until, newCheckpoint, ordersTotal, ordersScanned + scanned,
                bookingsFound + bookings, eventsPublished + events, startedAt, now, finishedAt, problem, bulk);
    }

    public PassState finished(Status end, String reason, OffsetDateTime now) {
        return new PassState(shop, kind, end, since, until, checkpoint, ordersTotal, ordersScanned, bookingsFound,
                eventsPublished, startedAt, now, now, reason, bulk);
    }

    /** A reconciliation's next pass: its window starts at the checkpoint, its counts start again. */
    public PassState nextPass(OffsetDateTime now) {
        return new PassState(shop, kind, Status.RUNNING, checkpoint, until, checkpoint, 0, 0, 0, 0, now, now, null,
                null, null);
    }

    /** The same pass reading its bulk operation's result as {@code read} says (counts reset when the result is new). */
    public PassState reading(BulkRead read, OffsetDateTime now) {
        boolean again = bulk != null && read.offset() < bulk.offset();
        return new PassState(shop, kind, status, since, until, checkpoint, again ? 0 : ordersTotal,
                again ? 0 : ordersScanned, bookingsFound, eventsPublished, startedAt, now, finishedAt, problem, read);
    }

    /** Orders read from a bulk result up to byte {@code offset}. */
    public PassState advancedTo(long offset, long scanned, long bookings, long events, OffsetDateTime now) {
        return new PassState(shop, kind, status, since, until, checkpoint, ordersTotal, ordersScanned + scanned,
                bookingsFound + bookings, eventsPublished + events, startedAt, now, finishedAt, problem,
                bulk.at(offset));
    }

    /**
     * How a backfill reads its orders through a bulk operation.
     *
     * @param operation the operation's gid, null until Shopify accepted one
     * @param offset    bytes of its JSONL result whose orders Kafka acknowledged: a restart reads on from there
     * @param attempts  operations started for this backfill (a failed or expired one is started again)
     * @param paging    true once the backfill fell back to paging ({@code fallback} says why)
     * @param fallback  the fixed reason word of the fall-back, or null
     */
    public record BulkRead(String operation, long offset, int attempts, boolean paging, String fallback) {

        public static BulkRead none() {
            return new BulkRead(null, 0, 0, false, null);
        }

        public BulkRead started(String gid) {
            return new BulkRead(gid, 0, attempts + 1, false, null);
        }

        /** The operation is gone (failed, expired, its result unreadable): the next one starts from nothing. */
        public BulkRead dropped() {
            return new BulkRead(null, 0, attempts, false, null);
        }

        public BulkRead at(long newOffset) {
            return new BulkRead(operation, newOffset, attempts, paging, fallback);
        }

        public BulkRead fellBack(String reason) {
            return new BulkRead(operation, 0, attempts, true, reason);
        }
    }
}
