package io.customerflow.ingest.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.consumer.PrivacyConfig;
import io.customerflow.consumer.RedactedSubjects;
import io.customerflow.events.CustomerRedactRequested;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventRecord;
import io.customerflow.events.RedactionLedger;
import io.customerflow.ingest.config.IngestConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;

/**
 * Writes the redaction ledger's marks of each {@code customers/redact} ({@link RedactionLedger}): keyed hashes of the
 * customer's email, Shopify id and orders, with the redaction time. Written before the redaction's own event, and
 * Shopify gets its 200 only once Kafka holds both, so every consumer can honour the redaction from then on.
 */
@Startup
@ApplicationScoped
public class RedactionMarks {

    private final RedactionLedger ledger;
    private final String topic;
    private final Duration timeout;
    private final KafkaProducer<String, byte[]> producer;

    public RedactionMarks(PrivacyConfig privacy, IngestConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.ledger = privacy.requireLedger();
        this.topic = privacy.ledgerTopic();
        this.timeout = config.delivery().publishTimeout();
        KafkaClients kafka = new KafkaClients(kafkaConfig);
        this.producer = kafka.producer("ingest-redaction-marks");
        // Off the start-up path (Kafka may be away): the consumers' ledger readers create it too.
        Thread ensure = new Thread(() -> {
            try {
                RedactedSubjects.ensureTopic(kafka, topic);
            } catch (RuntimeException e) {
                Log.warnf("the redaction ledger topic %s was not checked (%s): the consumers create it",
                        topic, e.getClass().getSimpleName());
            }
        }, "redaction-ledger-topic");
        ensure.setDaemon(true);
        ensure.start();
    }

    /** Completes when Kafka holds the marks of every redaction among the records (at once when there is none). */
    public Uni<Void> mark(List<EventRecord<?>> records) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (EventRecord<?> record : records) {
            if (record.data() instanceof CustomerRedactRequested r) {
                byte[] mark = EventJson.toBytes(new RedactionLedger.Mark(r.requestedAt()));
                for (String key : ledger.keysOf(r)) {
                    acks.add(KafkaClients.send(producer, new ProducerRecord<>(topic, key, mark)));
                }
            }
        }
        if (acks.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().completionStage(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)))
                .ifNoItem().after(timeout).failWith(() -> new PublishFailedException(
                        "no acknowledgement of the redaction marks from Kafka within " + timeout))
                .onFailure(f -> !(f instanceof PublishFailedException))
                .transform(f -> new PublishFailedException("Kafka refused the redaction marks: " + f.getMessage(), f));
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
