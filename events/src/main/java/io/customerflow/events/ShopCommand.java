package io.customerflow.events;

import java.time.OffsetDateTime;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An operator's request for work on one shop, made in the store's console and done by ingest: the value of a record
 * on {@code shops.commands.v1} (key = {@link #shop()}). The topic keeps them for 90 days, which makes it the console's
 * audit list (who asked for what, when). Hostile by default: {@link #read} refuses a record of any other shape.
 *
 * @param id a random id (UUID): a redelivered command is recognised by it
 * @param shop the shop's {@code .myshopify.com} domain
 * @param action {@link #BACKFILL} or {@link #CHECK_SUBSCRIPTIONS}
 * @param by the console client's name (a token's name from the store's clients, never a person's)
 * @param at when the operator asked
 * @param since a backfill's first order creation time
 * @param until a backfill's end, or null for "now"
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShopCommand(String id, String shop, String action, String by, OffsetDateTime at, OffsetDateTime since,
        OffsetDateTime until) {

    /** Read back the shop's past orders created in [since, until] and publish their bookings as historical. */
    public static final String BACKFILL = "backfill";
    /** Read the shop's webhook subscriptions now and repair what is missing or wrong. */
    public static final String CHECK_SUBSCRIPTIONS = "check-subscriptions";

    private static final Pattern ID = Pattern.compile("[0-9a-f-]{36}");
    private static final Pattern BY = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * The command in a record's value, checked: a known action, a valid shop, an id, a client name and a time; a
     * backfill's {@code since} before its {@code until}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ShopCommand read(byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("no value");
        }
        ShopCommand c;
        try {
            c = EventJson.fromBytes(value, ShopCommand.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a shop command: " + e.getClass().getSimpleName());
        }
        c.check();
        return c;
    }

    /** @throws IllegalArgumentException naming the first field that is wrong */
    public ShopCommand check() {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id must be a UUID");
        }
        if (!ShopDomains.isValid(shop)) {
            throw new IllegalArgumentException("shop " + ShopDomains.MESSAGE);
        }
        if (by == null || !BY.matcher(by).matches()) {
            throw new IllegalArgumentException("by must be a client name");
        }
        if (at == null) {
            throw new IllegalArgumentException("at is missing");
        }
        if (BACKFILL.equals(action)) {
            if (since == null) {
                throw new IllegalArgumentException("a backfill needs since");
            }
            if (until != null && !until.isAfter(since)) {
                throw new IllegalArgumentException("until must be after since");
            }
        } else if (!CHECK_SUBSCRIPTIONS.equals(action)) {
            throw new IllegalArgumentException("action must be " + BACKFILL + " or " + CHECK_SUBSCRIPTIONS);
        }
        return this;
    }
}
