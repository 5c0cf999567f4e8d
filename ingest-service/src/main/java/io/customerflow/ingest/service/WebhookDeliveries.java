package io.customerflow.ingest.service;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.customerflow.events.RecentIds;
import io.customerflow.ingest.config.IngestConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts every webhook by topic and outcome, and remembers accepted deliveries to drop exact repeats. */
@ApplicationScoped
public class WebhookDeliveries {

    /** What became of one webhook request. */
    public enum Outcome {
        ACCEPTED, DUPLICATE, IGNORED, UNAUTHORIZED, INVALID, UNAVAILABLE
    }

    private final RecentIds recent;
    private final MeterRegistry registry;

    @Inject
    public WebhookDeliveries(IngestConfig config, MeterRegistry registry) {
        this.recent = new RecentIds(config.shopify().recentWebhookIds());
        this.registry = registry;
    }

    public boolean isRepeat(WebhookDelivery delivery) {
        return recent.contains(key(delivery));
    }

    /** Only after Kafka acknowledged: a failed attempt must not make Shopify's retry look like a repeat. */
    public void accepted(WebhookDelivery delivery) {
        recent.add(key(delivery));
        count(delivery.topic(), Outcome.ACCEPTED);
    }

    public void count(String topic, Outcome outcome) {
        Counter.builder("ingest.webhooks")
                .description("Shopify webhook requests by topic and outcome")
                .tag("topic", topicTag(topic))
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
    }

    /** Known topics by name; anything else as "other", so forged headers can't explode the metric's cardinality. */
    private static String topicTag(String topic) {
        return WebhookTopic.of(topic).map(WebhookTopic::header).orElse("other");
    }

    private static String key(WebhookDelivery d) {
        return d.shop() + "|" + d.topic() + "|" + d.deliveryId();
    }
}
