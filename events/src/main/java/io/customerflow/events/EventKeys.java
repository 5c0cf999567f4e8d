package io.customerflow.events;

/**
 * Kafka key rules (docs/DESIGN-NOTES.md, "Event contract"). One key per customer on {@link Topics#CUSTOMER_EVENTS} keeps each customer's
 * bookings and privacy requests in one partition, hence in order.
 */
public final class EventKeys {

    private EventKeys() {
    }

    /** {@code {shop}/{customer id or email}} for {@link Topics#ORDERS}; falls back to the order id. */
    public static String orderKey(OrderEvent order) {
        Customer customer = order.customer();
        if (customer != null && customer.shopifyId() != null) {
            return order.shop() + "/" + customer.shopifyId();
        }
        String email = Emails.normalize(order.contactEmail());
        return order.shop() + "/" + (email != null ? email : "order-" + order.orderId());
    }

    /**
     * {@code {shop}/{normalized email}} for {@link Topics#CUSTOMER_EVENTS}. Without an email the Shopify
     * customer id, then the given fallback (e.g. a booking id) keeps the record routable.
     */
    public static String customerKey(String shop, String email, Long shopifyCustomerId, String fallback) {
        String normalized = Emails.normalize(email);
        if (normalized != null) {
            return shop + "/" + normalized;
        }
        if (shopifyCustomerId != null) {
            return shop + "/customer-" + shopifyCustomerId;
        }
        return shop + "/" + fallback;
    }

    public static String bookingKey(BookingEvent booking) {
        Customer c = booking.customer();
        return customerKey(booking.shop(), c == null ? null : c.email(), c == null ? null : c.shopifyId(),
                "booking-" + booking.bookingId());
    }

    /** Shop-wide events (shop redact, uninstall) are keyed by the shop alone. */
    public static String shopKey(String shop) {
        return shop;
    }
}
