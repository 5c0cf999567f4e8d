package io.customerflow.ingest.service;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import io.customerflow.events.ShopDomains;

/**
 * The headers of one Shopify webhook delivery that ingest relies on, validated.
 *
 * @param deliveryId {@code X-Shopify-Event-Id} when given (the same for every delivery of one event), else
 *                   {@code X-Shopify-Webhook-Id}
 * @param triggeredAt {@code X-Shopify-Triggered-At}, never later than the time of receipt (the header is not signed:
 *                    a future time kept as "the latest redaction" would make the store skip every later booking)
 */
public record WebhookDelivery(String topic, String shop, String deliveryId, OffsetDateTime triggeredAt,
        String apiVersion) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** @throws BadPayloadException naming the bad header */
    public static WebhookDelivery of(String topic, String shop, String eventId, String webhookId, String triggeredAt,
            String apiVersion) {
        if (topic == null || topic.isBlank()) {
            throw new BadPayloadException("missing header X-Shopify-Topic");
        }
        if (!ShopDomains.isValid(shop)) {
            throw new BadPayloadException("header X-Shopify-Shop-Domain must be a {name}.myshopify.com domain");
        }
        String id = eventId != null && !eventId.isBlank() ? eventId : webhookId;
        if (id == null || !ID.matcher(id).matches()) {
            throw new BadPayloadException("header X-Shopify-Event-Id or X-Shopify-Webhook-Id missing or malformed");
        }
        return new WebhookDelivery(topic.trim(), shop, id, time(triggeredAt), apiVersion);
    }

    private static OffsetDateTime time(String triggeredAt) {
        OffsetDateTime received = OffsetDateTime.now();
        if (triggeredAt == null || triggeredAt.isBlank()) {
            return received;
        }
        OffsetDateTime claimed;
        try {
            claimed = OffsetDateTime.parse(triggeredAt.trim());
        } catch (DateTimeParseException e) {
            throw new BadPayloadException("header X-Shopify-Triggered-At is not an ISO-8601 timestamp");
        }
        return claimed.isAfter(received) ? received : claimed;
    }

    public static boolean isShopDomain(String shop) {
        return ShopDomains.isValid(shop);
    }
}
