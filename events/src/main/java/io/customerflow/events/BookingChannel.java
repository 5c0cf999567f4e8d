package io.customerflow.events;

/** How the booking reached us. */
public enum BookingChannel {
    /** A booking line item of a Shopify order. */
    CHECKOUT,
    /** An instant booking through our API: Shopify holds no customer for it. */
    INSTANT
}
