package io.customerflow.store.service;

import java.util.List;

import io.customerflow.store.model.Customer;

/** RFC 4180 CSV for marketing-tool imports. */
public final class Csv {

    static final String HEADER = "email,first_name,last_name,shopify_customer_id,checkout_bookings,instant_bookings,"
            + "first_booked_at,last_booked_at";

    private Csv() {
    }

    public static String bookedCustomers(List<Customer> customers) {
        StringBuilder out = new StringBuilder(HEADER).append("\r\n");
        for (Customer c : customers) {
            out.append(field(c.email)).append(',').append(field(c.firstName)).append(',').append(field(c.lastName))
                    .append(',').append(c.shopifyCustomerId == null ? "" : c.shopifyCustomerId).append(',')
                    .append(c.checkoutBookings).append(',').append(c.instantBookings).append(',')
                    .append(c.firstBookedAt == null ? "" : c.firstBookedAt).append(',')
                    .append(c.lastBookedAt == null ? "" : c.lastBookedAt).append("\r\n");
        }
        return out.toString();
    }

    /**
     * Quotes when needed (comma, quote, line break), doubling quotes. A leading {@code = + - @} gets a {@code '}
     * so a spreadsheet opening the file never runs a name as a formula.
     */
    static String field(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") || !v.equals(value)) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
