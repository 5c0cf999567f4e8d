package io.customerflow.ingest.messaging;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.customerflow.consumer.PrivacyConfig;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.EventRecord;
import io.customerflow.events.RecordKeys;
import io.customerflow.events.Topics;
import io.customerflow.ingest.config.IngestConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes events and completes only when Kafka acknowledged every one of them ({@code acks=all}, idempotent
 * producer): the callers answer 2xx after this and not before. Fails with {@link PublishFailedException} when
 * the broker doesn't acknowledge within the configured bound.
 */
@ApplicationScoped
public class EventPublisher {

    private final MutinyEmitter<byte[]> orders;
    private final MutinyEmitter<byte[]> customerEvents;
    private final Duration timeout;
    private final RecordKeys keys;
    private final InFlightBound inFlight;
    private final io.micrometer.core.instrument.Counter shed;
    private final Timer acknowledged;
    private final Timer timedOut;
    private final Timer refused;

    @Inject
    public EventPublisher(@Channel(Channels.ORDERS_OUT) @OnOverflow(value = OnOverflow.Strategy.BUFFER,
            bufferSize = 4096) MutinyEmitter<byte[]> orders,
            @Channel(Channels.CUSTOMER_EVENTS_OUT) @OnOverflow(value = OnOverflow.Strategy.BUFFER,
                    bufferSize = 4096) MutinyEmitter<byte[]> customerEvents,
            IngestConfig config, PrivacyConfig privacy, MeterRegistry registry) {
        this.keys = privacy.requireRecordKeys();
        this.orders = orders;
        this.customerEvents = customerEvents;
        this.timeout = config.delivery().publishTimeout();
        this.inFlight = new InFlightBound(config.delivery().maxInFlight());
        this.shed = registry.counter("ingest.publish.shed");
        registry.gauge("ingest.publish.in.flight", inFlight, InFlightBound::held);
        this.acknowledged = latency(registry, "acknowledged");
        this.timedOut = latency(registry, "timeout");
        this.refused = latency(registry, "refused");
    }

    /** Every outcome is timed: an outage shows as time spent waiting, not as a gap in the histogram. */
    private static Timer latency(MeterRegistry registry, String outcome) {
        return Timer.builder("ingest.publish.latency")
                .description("Time from handing records to Kafka to the broker's acknowledgement of all of them, "
                        + "or to giving up (outcome timeout or refused)")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry);
    }

    /**
     * Sends all records concurrently; completes when every one is acknowledged. Fails at once with
     * {@link OverloadedException} when the records would pass {@code ingest.delivery.max-in-flight}.
     */
    public Uni<Void> publishAll(List<EventRecord<?>> records) {
        if (records.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = records.size();
        return Uni.createFrom().deferred(() -> {
            if (!inFlight.tryAcquire(n)) {
                shed.increment();
                return Uni.createFrom().<Void>failure(new OverloadedException());
            }
            return publishHolding(n, records);
        });
    }

    /**
     * For background work (reconciliation and backfill pages), which waits rather than fails: never refused, but its
     * records count towards the bound, so requests are shed while a large page is in flight.
     */
    public Uni<Void> publishInBackground(List<EventRecord<?>> records) {
        int n = records.size();
        return Uni.createFrom().deferred(() -> {
            inFlight.acquire(n);
            return publishHolding(n, records);
        });
    }

    /** Publishes records whose {@code n} places were taken at subscription; gives them back however it ends. */
    private Uni<Void> publishHolding(int n, List<EventRecord<?>> records) {
        return Uni.createFrom().deferred(() -> publishAdmitted(records)).eventually(() -> inFlight.release(n));
    }

    private Uni<Void> publishAdmitted(List<EventRecord<?>> records) {
        long start = System.nanoTime();
        List<Uni<Void>> sends = records.stream().map(this::send).toList();
        return Uni.join().all(sends).andFailFast()
                .ifNoItem().after(timeout).failWith(() -> new PublishFailedException("no acknowledgement from Kafka within " + timeout))
                .onFailure(f -> !(f instanceof PublishFailedException))
                .transform(f -> new PublishFailedException("Kafka refused the records: " + f.getMessage(), f))
                .onItemOrFailure().invoke((ok, failure) -> {
                    // Our own timeout has no cause; a refusal wraps the broker's or client's error.
                    Timer timer = failure == null ? acknowledged
                            : failure.getCause() == null ? timedOut : refused;
                    timer.record(Duration.ofNanos(System.nanoTime() - start));
                })
                .replaceWithVoid();
    }

    private Uni<Void> send(EventRecord<?> record) {
        MutinyEmitter<byte[]> emitter = Topics.ORDERS.equals(record.topic()) ? orders : customerEvents;
        return emitter.sendMessage(toMessage(record, keys));
    }

    /**
     * The record's key (hashed: {@link RecordKeys}; the producer's {@code RecordKeyPartitioner} places it by its
     * basis), and its CloudEvents attributes for the Kafka connector, which writes them as the contract's binary-mode
     * headers ({@code ce_*}, {@code content-type}; {@code EnvelopeTest} and the ingest tests check them).
     */
    static Message<byte[]> toMessage(EventRecord<?> record, RecordKeys keys) {
        CloudEvent ce = record.cloudEvent();
        OutgoingKafkaRecordMetadata<Object> kafka = OutgoingKafkaRecordMetadata.<Object>builder()
                .withKey(keys.of(record.key())).build();
        OutgoingCloudEventMetadata<Object> cloudEvent = OutgoingCloudEventMetadata.builder()
                .withId(ce.id()).withType(ce.type().ceType()).withSource(URI.create(ce.source()))
                .withSubject(ce.subject()).withTimestamp(ce.time().atZoneSameInstant(ZoneOffset.UTC))
                .withDataContentType(CloudEvent.JSON).build();
        return Message.of(record.value()).addMetadata(kafka).addMetadata(cloudEvent);
    }
}
