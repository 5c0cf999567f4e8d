package io.customerflow.events;

/**
 * The customer as an event carries it. Every field may be null: Shopify orders can lack a customer or an
 * email. Names are kept exactly as given, in any script; {@code email} is as given (see {@link Emails}).
 *
 * @param shopifyId Shopify customer id, when the customer exists in Shopify
 * @param phone     E.164 when known
 * @param locale    e.g. {@code en}, {@code ja}
 */
public record Customer(Long shopifyId, String email, String firstName, String lastName, String phone,
        String locale) {

    /** The normalized email, or null when there is none. */
    public String normalizedEmail() {
        return Emails.normalize(email);
    }
}
