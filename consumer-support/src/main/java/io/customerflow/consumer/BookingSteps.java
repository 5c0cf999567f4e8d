package io.customerflow.consumer;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;

/**
 * The latest step a consumer acted on per booking, so that a step older than it changes nothing downstream: an old
 * no-show arriving after the completion sends no "missed" event and adds no "missed" tag (the store keeps it in the
 * booking's history). Older means an earlier {@code occurredAt}; at the same time the later step of a booking's life
 * wins (confirmed, rescheduled, cancelled, completed, no-show), the rule the store's {@code BookingWrites.NEWER}
 * applies, so every sink ends on the same state whatever order the steps arrived in.
 *
 * <p>Kept in the service's own compacted topic ({@link BookingStepsConfig#topic()}, key {@code shop/booking id},
 * value the step and its time, no personal data), read whole at start and followed live like the redaction ledger.
 * {@link #record} updates the table at once (the next step of the booking, in the same lane, sees it) and answers
 * when Kafka holds it: a consumer acks its record only then, so a restart never forgets a step whose record it
 * committed. A partition taken over from another replica waits for the topic's end first ({@link #awaitCaughtUp}).
 */
@Singleton // not a lazy proxy: made, and the topic read, when the consumer that injects it is made at start
public class BookingSteps {

    private static final System.Logger LOG = System.getLogger(BookingSteps.class.getName());
    private static final OffsetDateTime EPOCH = OffsetDateTime.parse("1970-01-01T00:00:00Z");

    /** A step as stored: its time (microseconds since the epoch) and its rank in a booking's life. */
    record Step(long atMicros, int rank) implements Comparable<Step> {
        @Override
        public int compareTo(Step o) {
            return atMicros != o.atMicros ? Long.compare(atMicros, o.atMicros) : Integer.compare(rank, o.rank);
        }
    }

    /** The topic's value. */
    public record Latest(String step, OffsetDateTime at) {
    }

    private final String topic;
    private final Duration keep;
    private final KafkaClients kafka;
    private final Map<String, Step> latest = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Counter outdated;
    private final KafkaProducer<String, byte[]> producer;
    private final SupervisedLoop reader;
    private volatile long lastForget = System.nanoTime();

    public BookingSteps(BookingStepsConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            MeterRegistry registry) {
        this.topic = config.topic();
        this.keep = config.keep();
        this.kafka = new KafkaClients(kafkaConfig);
        this.outdated = Counter.builder("booking.steps.outdated")
                .description("Booking steps older than their booking's latest, acted on by no one").register(registry);
        registry.gaugeMapSize("booking.steps.known", List.of(), latest);
        this.producer = kafka.producer("booking-steps-writer");
        this.reader = new SupervisedLoop("booking-steps-reader", registry, this::read).start();
        KafkaClients.awaitRead(loaded, "the booking steps", topic);
    }

    /** Whether the step is older than the latest its booking had here (then nothing is sent for it); counted. */
    public boolean isOutdated(EventType type, BookingEvent booking) {
        Step seen = latest.get(key(booking));
        boolean older = seen != null && step(type, booking).compareTo(seen) < 0;
        if (older) {
            outdated.increment();
        }
        return older;
    }

    /** Notes the step as its booking's latest (unless a newer one is); completes once Kafka holds it. */
    public CompletableFuture<Void> record(EventType type, BookingEvent booking) {
        forgetOld();
        String key = key(booking);
        latest.merge(key, step(type, booking), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        byte[] value = EventJson.toBytes(new Latest(type.name(), booking.occurredAt()));
        return KafkaClients.send(producer, new ProducerRecord<>(topic, key, value));
    }

    /**
     * Waits (at most {@code max}) until this replica has read the topic to the end it has now: called when a
     * partition of bookings is assigned, so the steps its previous owner recorded are known before its records are.
     */
    public void awaitCaughtUp(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> latestOffsets = positions.keySet().stream()
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
            Map<TopicPartition, Long> end = admin.listOffsets(latestOffsets).all().get(max.toMillis(),
                    TimeUnit.MILLISECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            while (!end.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    LOG.log(System.Logger.Level.WARNING, String.format("booking steps (%s) not read to the end"
                            + " within %s: a step its previous owner saw may be acted on again", topic, max));
                    return;
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, String.format("booking steps (%s): end offsets unknown (%s)", topic,
                    e.getClass().getSimpleName()));
        }
    }

    private static String key(BookingEvent booking) {
        return booking.shop() + "/" + booking.bookingId();
    }

    private static Step step(EventType type, BookingEvent booking) {
        OffsetDateTime at = booking.occurredAt();
        return new Step(at == null ? Long.MIN_VALUE : ChronoUnit.MICROS.between(EPOCH, at), rank(type));
    }

    /** The later step of a booking's life wins at equal times (as the store's rule). */
    static int rank(EventType type) {
        return switch (type) {
            case BOOKING_NO_SHOW -> 5;
            case BOOKING_COMPLETED -> 4;
            case BOOKING_CANCELLED -> 3;
            case BOOKING_RESCHEDULED -> 2;
            default -> 1;
        };
    }

    /** Creates the topic when missing (in the loop: Kafka may be away at start), then reads it and follows it. */
    private void read(SupervisedLoop loop) {
        kafka.ensureTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + ","
                        + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(keep.toMillis())))), "booking-steps.topic");
        kafka.readAndFollow("booking-steps-reader", topic, loop, this::apply, loaded::countDown, positions::putAll);
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null || r.value() == null) {
            return;
        }
        try {
            Latest l = EventJson.fromBytes(r.value(), Latest.class);
            EventType type = EventType.valueOf(l.step());
            if (l.at() == null || !type.isBookingStep() || l.at().isBefore(OffsetDateTime.now().minus(keep))) {
                return;
            }
            Step s = new Step(ChronoUnit.MICROS.between(EPOCH, l.at()),
                    rank(type));
            latest.merge(r.key(), s, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        } catch (RuntimeException e) {
            // An unreadable record is skipped: the next of its key (if any) counts.
        }
    }

    /** Bookings whose latest step is older than {@code keep} are forgotten here as the topic forgets them (hourly). */
    private void forgetOld() {
        long now = System.nanoTime();
        if (now - lastForget < TimeUnit.HOURS.toNanos(1)) {
            return;
        }
        lastForget = now;
        long cutoff = ChronoUnit.MICROS.between(EPOCH, OffsetDateTime.now().minus(keep));
        latest.values().removeIf(s -> s.atMicros() < cutoff);
    }

    @PreDestroy
    public void close() {
        reader.close();
        producer.close(Duration.ofSeconds(5));
    }
}
