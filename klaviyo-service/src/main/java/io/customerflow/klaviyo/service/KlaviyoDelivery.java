package io.customerflow.klaviyo.service;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.consumer.Admission;
import io.customerflow.klaviyo.client.KlaviyoClient;
import io.customerflow.klaviyo.config.KlaviyoConfig;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Routes work to its account's queue, with a bound on what the service holds in flight overall. Only the accounts
 * this replica owns are sent from here ({@link #takeOver}, {@link #handOver}: see {@code PacingHandover}); work of
 * any other account is left unacknowledged for its owner.
 */
@ApplicationScoped
public class KlaviyoDelivery {

    private final KlaviyoClient client;
    private final KlaviyoConfig config;
    private final MeterRegistry metrics;
    private final Map<String, AccountSender> senders = new ConcurrentHashMap<>();
    private final Admission admission;

    public KlaviyoDelivery(KlaviyoClient client, KlaviyoConfig config, MeterRegistry metrics) {
        this.admission = new Admission(config.delivery().maxQueued());
        this.client = client;
        this.config = config;
        this.metrics = metrics;
        metrics.gauge("klaviyo.queued", admission, Admission::inFlight);
    }

    /**
     * Queues the work; {@code done} gets its outcome.
     *
     * @return completes when the caller may hand over more
     */
    public CompletableFuture<Void> deliver(KlaviyoWorkPlanner.Work work, BiConsumer<Void, Throwable> done) {
        CompletableFuture<Void> admitted = admission.admit();
        boolean queued = sender(work.apiKey()).submit(new AccountSender.Pending(work, (v, failure) -> {
            admission.release();
            done.accept(v, failure);
        }));
        if (!queued) {
            // The account's partition moved to another replica during a rebalance: that one gets the record.
            admission.release();
            metrics.counter("klaviyo.handed.over").increment();
        }
        return admitted;
    }

    /** This replica paces the account from now on. */
    public void takeOver(String apiKey) {
        sender(apiKey).takeOver();
    }

    /** Stops the account here at once; what was queued or in flight is left for the replica taking it over. */
    public void handOver(String apiKey) {
        sender(apiKey).handOver().forEach(p -> admission.release());
    }

    private AccountSender sender(String apiKey) {
        return senders.computeIfAbsent(apiKey, key -> new AccountSender(key, client, config.delivery(), metrics));
    }
}
