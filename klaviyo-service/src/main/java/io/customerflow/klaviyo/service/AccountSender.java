package io.customerflow.klaviyo.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import io.customerflow.consumer.Backoff;
import io.customerflow.klaviyo.client.KlaviyoClient;
import io.customerflow.klaviyo.client.KlaviyoClient.Endpoint;
import io.customerflow.klaviyo.client.KlaviyoFailure;
import io.customerflow.klaviyo.config.KlaviyoConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * The queue of one Klaviyo account. Sends single creates while the queue is short and their limits have room, and
 * bulk create jobs (up to 1,000 events) when a backlog builds up or the single creates' minute is spent ({@link
 * #next}); historical (backfilled) steps always go in bulk jobs. A profile
 * deletion is a barrier: it starts after everything queued before it is done, and nothing queued after it starts
 * before it is done. When another replica takes the account over, {@link #handOver} stops everything at once: calls
 * still waiting for their slot (or in flight) are cancelled and, like the queue, left for the next owner (their
 * records are not acked, so Kafka delivers them there; Klaviyo's unique_id absorbs a call that had already landed).
 */
final class AccountSender {

    /** One event's work and where its outcome goes (ack or nack of the Kafka record). */
    record Pending(KlaviyoWorkPlanner.Work work, BiConsumer<Void, Throwable> done) {
    }

    private final String apiKey;
    private final KlaviyoClient client;
    private final KlaviyoConfig.Delivery config;
    private final MeterRegistry metrics;
    private final Deque<Pending> queue = new ArrayDeque<>();
    private int inFlight;
    private boolean deletionInFlight;
    /** Calls started and not yet answered, with the work they carry; a handover cancels them. */
    private final Map<Object, Call> calls = new java.util.HashMap<>();
    /** Moves on at each handover: answers of calls of an earlier generation are ignored. */
    private int generation;
    /** Whether this replica paces the account now (it owns the account's partition of the work topic). */
    private boolean owned;
    /** A timer will look at the queue again (nothing could start when it was last looked at). */
    private boolean lookAgainScheduled;
    /** A single create waits this long for its slot at most; beyond it the queue waits for the next bulk job. */
    private static final Duration SINGLE_WAIT_TOLERATED = Duration.ofMillis(50);

    private record Call(List<Pending> work, io.smallrye.mutiny.subscription.Cancellable cancellable) {
    }

    AccountSender(String apiKey, KlaviyoClient client, KlaviyoConfig.Delivery config, MeterRegistry metrics) {
        this.apiKey = apiKey;
        this.client = client;
        this.config = config;
        this.metrics = metrics;
    }

    /** Queues the work; false when this replica doesn't own the account (its next owner gets the record). */
    boolean submit(Pending pending) {
        synchronized (this) {
            if (!owned) {
                return false;
            }
            queue.addLast(pending);
        }
        drain();
        return true;
    }

    /** From now on this replica paces the account. */
    synchronized void takeOver() {
        owned = true;
    }

    private void drain() {
        List<Runnable> starts = new ArrayList<>();
        Duration lookAgainIn = null;
        synchronized (this) {
            while (!queue.isEmpty() && inFlight < config.concurrency() && !deletionInFlight) {
                Pending head = queue.peekFirst();
                if (head.work().deletion() != null) {
                    if (inFlight > 0) {
                        break; // wait for what was queued before it
                    }
                    queue.pollFirst();
                    inFlight++;
                    deletionInFlight = true;
                    starts.add(() -> sendDeletion(head));
                    break;
                }
                Send next = next(head.work().tracked().historical());
                if (next.after() != null) {
                    lookAgainIn = next.after();
                    break;
                }
                if (next.bulk()) {
                    List<Pending> batch = new ArrayList<>();
                    while (!queue.isEmpty() && batch.size() < config.bulkSize()
                            && queue.peekFirst().work().tracked() != null) {
                        batch.add(queue.pollFirst());
                    }
                    inFlight++;
                    starts.add(() -> sendBulk(batch));
                } else {
                    Pending one = queue.pollFirst();
                    inFlight++;
                    starts.add(() -> sendOne(one));
                }
            }
            if (lookAgainIn != null && !lookAgainScheduled) {
                lookAgainScheduled = true;
            } else {
                lookAgainIn = null;
            }
        }
        starts.forEach(Runnable::run);
        if (lookAgainIn != null) {
            Uni.createFrom().voidItem().onItem().delayIt().by(Backoff.timerDelay(lookAgainIn)).subscribe().with(v -> {
                synchronized (this) {
                    lookAgainScheduled = false;
                }
                drain();
            });
        }
    }

    /** How the head of the queue goes: in a bulk job or alone, now, or nothing before {@code after}. */
    private record Send(boolean bulk, Duration after) {
    }

    /**
     * Historical steps always go in bulk jobs (with backfill: true), even one at a time: a backfill never fires a
     * flow, and a long backfill costs bulk jobs, not single creates. Live steps go alone while single creates have
     * room (soon) and the queue is short; under a backlog, or once the single creates' windows are spent, the next
     * bulk job takes everything queued (up to 1,000). Nothing is reserved far ahead: a call holding a slot a minute
     * out would hold back the bulk job that could carry it in a second.
     */
    private Send next(boolean historical) {
        Duration bulkWait = client.waitFor(Endpoint.BULK_CREATE_EVENTS, apiKey);
        if (historical) {
            return bulkWait.isZero() ? new Send(true, null) : new Send(true, bulkWait);
        }
        Duration singleWait = client.waitFor(Endpoint.CREATE_EVENT, apiKey);
        boolean singleSoon = singleWait.compareTo(SINGLE_WAIT_TOLERATED) <= 0 || !config.bulkWhenSinglesWait();
        if (bulkWait.isZero() && (queue.size() >= config.bulkThreshold() || !singleSoon)) {
            return new Send(true, null);
        }
        if (singleSoon) {
            return new Send(false, null);
        }
        return new Send(false, singleWait.compareTo(bulkWait) < 0 ? singleWait : bulkWait);
    }

    private void sendOne(Pending p) {
        sendOne(p, p.work().tracked(), true);
    }

    private void sendOne(Pending p, KlaviyoBodies.TrackedEvent event, boolean mayDropPhone) {
        call(Endpoint.CREATE_EVENT, KlaviyoBodies.createEvent(event), List.of(p), f -> {
            if (f == null) {
                finish(List.of(p), null);
            } else if (mayDropPhone && phoneRefused(f, event)) {
                // A well-formed number Klaviyo won't take (e.g. not mobile-eligible): the booking still
                // counts, and the profile is still matched by email. Once: another 400 is dead-lettered.
                metrics.counter("klaviyo.phone.dropped").increment();
                sendOne(p, event.withoutPhone(), false);
            } else {
                finish(List.of(p), f);
            }
        });
    }

    private static boolean phoneRefused(Throwable f, KlaviyoBodies.TrackedEvent event) {
        return f instanceof KlaviyoFailure k && k.status() == 400 && k.onlyAbout("/phone_number")
                && KlaviyoProfiles.hasPhone(event.profile()) && event.profileKey().startsWith("email:");
    }

    private void sendDeletion(Pending p) {
        call(Endpoint.PROFILE_DELETION, p.work().deletion(), List.of(p), f -> finishDeletion(p, f));
    }

    private void sendBulk(List<Pending> batch) {
        // Grouped by profile; a unique_id repeated for one profile and metric would fail the whole job, so a
        // repeat inside the batch is left out (it is the same event) and acked with the rest.
        Map<String, List<KlaviyoBodies.TrackedEvent>> byProfile = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Pending p : batch) {
            var t = p.work().tracked();
            if (seen.add(t.profileKey() + "|" + t.metric() + "|" + t.uniqueId())) {
                byProfile.computeIfAbsent(t.profileKey(), k -> new ArrayList<>()).add(t);
            }
        }
        metrics.counter("klaviyo.bulk.jobs").increment();
        call(Endpoint.BULK_CREATE_EVENTS, KlaviyoBodies.bulkCreateEvents(List.copyOf(byProfile.values())), batch, f -> {
            if (f == null) {
                finish(batch, null);
            } else if (f instanceof KlaviyoFailure k && k.status() >= 400 && k.status() < 500) {
                // One bad event rejects the whole job: resend one by one so only that one is dead-lettered.
                resendSingly(batch);
            } else {
                finish(batch, f);
            }
        });
    }

    /**
     * The bulk job is over; its events go on one by one (still counted in flight): live ones as single creates,
     * historical ones as bulk jobs of one, so that only the bad one is dead-lettered.
     */
    private void resendSingly(List<Pending> batch) {
        synchronized (this) {
            inFlight += batch.size() - 1;
        }
        for (Pending p : batch) {
            if (p.work().tracked().historical()) {
                sendBulkOfOne(p);
            } else {
                sendOne(p);
            }
        }
    }

    private void sendBulkOfOne(Pending p) {
        metrics.counter("klaviyo.bulk.jobs").increment();
        call(Endpoint.BULK_CREATE_EVENTS, KlaviyoBodies.bulkCreateEvents(List.of(List.of(p.work().tracked()))),
                List.of(p), f -> finish(List.of(p), f));
    }

    private void finish(List<Pending> done, Throwable failure) {
        synchronized (this) {
            inFlight--;
        }
        done.forEach(p -> p.done().accept(null, failure));
        drain();
    }

    private void finishDeletion(Pending p, Throwable failure) {
        synchronized (this) {
            deletionInFlight = false;
            inFlight--;
        }
        p.done().accept(null, failure);
        drain();
    }

    synchronized int queued() {
        return queue.size();
    }

    /** Sends one request; {@code outcome} gets null or the failure, unless the account was handed over meanwhile. */
    private void call(Endpoint endpoint, com.fasterxml.jackson.databind.JsonNode body, List<Pending> work,
            java.util.function.Consumer<Throwable> outcome) {
        Object token = new Object();
        // Under the lock, so a handover either sees this call (and cancels it) or this call sees the handover and
        // never reserves a slot the next owner wouldn't know of.
        synchronized (this) {
            int started = generation;
            calls.put(token, new Call(work, null));
            var cancellable = client.send(endpoint, apiKey, body).subscribe().with(
                    ok -> answered(token, started, () -> outcome.accept(null)),
                    f -> answered(token, started, () -> outcome.accept(f)));
            calls.computeIfPresent(token, (t, c) -> new Call(c.work(), cancellable));
        }
    }

    private void answered(Object token, int started, Runnable then) {
        synchronized (this) {
            if (started != generation) {
                return; // handed over: the next owner sends it again
            }
            calls.remove(token);
        }
        then.run();
    }

    /**
     * Stops everything of this account at once, for another replica to take over: cancels the calls not answered
     * yet, empties the queue. Answers the work dropped (not acked, not dead-lettered).
     */
    List<Pending> handOver() {
        List<Pending> dropped = new ArrayList<>();
        List<io.smallrye.mutiny.subscription.Cancellable> cancel = new ArrayList<>();
        synchronized (this) {
            owned = false;
            generation++;
            for (Call c : calls.values()) {
                dropped.addAll(c.work());
                if (c.cancellable() != null) {
                    cancel.add(c.cancellable());
                }
            }
            calls.clear();
            dropped.addAll(queue);
            queue.clear();
            inFlight = 0;
            deletionInFlight = false;
        }
        cancel.forEach(io.smallrye.mutiny.subscription.Cancellable::cancel);
        return dropped;
    }
}
