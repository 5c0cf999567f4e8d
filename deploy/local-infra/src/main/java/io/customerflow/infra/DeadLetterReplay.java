package io.customerflow.infra;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.customerflow.events.Topics;

/**
 * Re-drives a consumer's dead letters once their cause is fixed: each record of {@code <consumer>.dlq.v1} not
 * replayed before goes back to the topic it came from, with its original key and headers (the dead-letter headers
 * dropped). Every consumer's effects are idempotent per {@code ce_id}, so the others take the repeat as a
 * duplicate. Progress is the committed offset of group {@code customer-flow-replay-<consumer>}: a run replays each
 * dead letter once.
 *
 * <p>{@code ./customer-flow replay <customer-store|tagging|klaviyo> [bootstrap servers]}
 */
public final class DeadLetterReplay {

    private DeadLetterReplay() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: replay <customer-store|tagging|klaviyo> [bootstrap servers]");
            System.exit(2);
        }
        String bootstrap = args.length > 1 ? args[1] : "127.0.0.1:" + LocalDemo.KAFKA_PORT;
        System.out.println("replayed " + replay(bootstrap, args[0]) + " dead letter(s) of " + args[0]);
    }

    public static int replay(String bootstrap, String consumer) {
        String dlq = Topics.deadLetter(consumer);
        Map<String, Object> consumerConfig = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "customer-flow-replay-" + consumer,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        int replayed = 0;
        try (var in = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
             var out = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                     new StringSerializer(), new ByteArraySerializer())) {
            in.subscribe(List.of(dlq));
            int emptyPolls = 0;
            while (emptyPolls < 3) {
                var records = in.poll(Duration.ofSeconds(2));
                if (records.isEmpty()) {
                    emptyPolls++;
                    continue;
                }
                emptyPolls = 0;
                for (ConsumerRecord<String, byte[]> r : records) {
                    out.send(new ProducerRecord<>(origin(r), null, r.key(), r.value(), originalHeaders(r)));
                    replayed++;
                }
                out.flush(); // every replayed record is acknowledged before its dead letter counts as done
                in.commitSync();
            }
        }
        return replayed;
    }

    private static String origin(ConsumerRecord<String, byte[]> r) {
        Header topic = r.headers().lastHeader("dead-letter-topic");
        return topic == null ? Topics.CUSTOMER_EVENTS : new String(topic.value(), StandardCharsets.UTF_8);
    }

    private static RecordHeaders originalHeaders(ConsumerRecord<String, byte[]> r) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
            if (!h.key().startsWith("dead-letter-") && !Set.of("__TypeId__").contains(h.key())) {
                headers.add(h);
            }
        }
        return headers;
    }
}
