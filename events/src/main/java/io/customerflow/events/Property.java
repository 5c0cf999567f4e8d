package io.customerflow.events;

/** A line-item property as Shopify gives it: names starting with {@code _} are hidden from the buyer. */
public record Property(String name, String value) {
}
