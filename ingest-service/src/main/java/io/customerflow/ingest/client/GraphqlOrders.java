package io.customerflow.ingest.client;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.ingest.service.BadPayloadException;
import io.customerflow.ingest.service.ShopifyPayloads;
import io.customerflow.ingest.service.TextWithoutNul;

/**
 * An Admin GraphQL {@code Order} node → the REST shape the {@code orders/*} webhooks deliver, so a reconciled order
 * goes through exactly the mapping and booking detection a webhook's does. GraphQL ids are gids
 * ({@code gid://shopify/Order/123}); REST ids are the number at their end.
 */
final class GraphqlOrders {

    private GraphqlOrders() {
    }

    /** @throws BadPayloadException when the node lacks what an order needs (id, times) */
    static ShopifyPayloads.Order order(JsonNode node) {
        Long id = gidNumber(node.path("id"), "order id");
        if (id == null) {
            throw new BadPayloadException("order has no id");
        }
        OffsetDateTime updatedAt = time(node, "updatedAt");
        if (updatedAt == null) {
            throw new BadPayloadException("order " + id + " has no updatedAt");
        }
        List<ShopifyPayloads.LineItem> items = new ArrayList<>();
        for (JsonNode li : node.path("lineItems").path("nodes")) {
            items.add(lineItem(li, id));
        }
        return new ShopifyPayloads.Order(id, text(node, "name"), text(node, "email"), null, null,
                time(node, "createdAt"), updatedAt, time(node, "cancelledAt"), tags(node.path("tags")),
                text(node, "currencyCode"), text(node, "customerLocale"), customer(node.path("customer")), items,
                null); // read from the shop's own Admin API: its shop is known
    }

    /** Whether Shopify held back line items beyond the page asked for. */
    static boolean truncatedLineItems(JsonNode node) {
        return node.path("lineItems").path("pageInfo").path("hasNextPage").asBoolean(false);
    }

    private static ShopifyPayloads.LineItem lineItem(JsonNode li, long orderId) {
        Long id = gidNumber(li.path("id"), "line item id");
        if (id == null) {
            throw new BadPayloadException("a line item of order " + orderId + " has no id");
        }
        List<ShopifyPayloads.Property> properties = new ArrayList<>();
        for (JsonNode a : li.path("customAttributes")) {
            if (a.hasNonNull("key")) {
                properties.add(new ShopifyPayloads.Property(TextWithoutNul.strip(a.get("key").asText()), text(a, "value")));
            }
        }
        JsonNode amount = li.path("originalUnitPriceSet").path("shopMoney").path("amount");
        BigDecimal price = null;
        if (amount.isTextual() || amount.isNumber()) {
            try {
                price = new BigDecimal(amount.asText());
            } catch (NumberFormatException e) {
                throw new BadPayloadException("a line item of order " + orderId + " has a malformed price");
            }
        }
        return new ShopifyPayloads.LineItem(id, gidNumber(li.path("product").path("id"), "product id"),
                gidNumber(li.path("variant").path("id"), "variant id"), text(li, "sku"), text(li, "title"),
                text(li, "variantTitle"), li.path("quantity").canConvertToInt() ? li.get("quantity").asInt() : null,
                price, properties, productTags(li.path("product")));
    }

    private static ShopifyPayloads.Customer customer(JsonNode c) {
        if (!c.isObject()) {
            return null;
        }
        return new ShopifyPayloads.Customer(gidNumber(c.path("id"), "customer id"),
                text(c.path("defaultEmailAddress"), "emailAddress"), text(c, "firstName"), text(c, "lastName"),
                text(c.path("defaultPhoneNumber"), "phoneNumber"), text(c, "locale"));
    }

    /** The product's tags as read with the order; null when the product is gone (a deleted product has none). */
    private static List<String> productTags(JsonNode product) {
        if (!product.path("tags").isArray()) {
            return null;
        }
        List<String> list = new ArrayList<>();
        product.get("tags").forEach(t -> list.add(TextWithoutNul.strip(t.asText())));
        return list;
    }

    /** GraphQL gives tags as a list; the REST body as one comma-separated string. */
    private static String tags(JsonNode tags) {
        List<String> list = new ArrayList<>();
        tags.forEach(t -> list.add(TextWithoutNul.strip(t.asText())));
        return String.join(", ", list);
    }

    private static Long gidNumber(JsonNode gid, String what) {
        if (gid.isMissingNode() || gid.isNull()) {
            return null;
        }
        String text = gid.asText();
        try {
            return Long.parseLong(text.substring(text.lastIndexOf('/') + 1));
        } catch (NumberFormatException e) {
            throw new BadPayloadException("malformed " + what + " (not a gid)");
        }
    }

    private static OffsetDateTime time(JsonNode node, String field) {
        String text = text(node, field);
        try {
            return text == null ? null : OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadPayloadException(field + " is not an ISO-8601 timestamp");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? TextWithoutNul.strip(value.asText()) : null;
    }
}
