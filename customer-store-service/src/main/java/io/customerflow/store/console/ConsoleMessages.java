package io.customerflow.store.console;

import io.quarkus.qute.i18n.Message;
import io.quarkus.qute.i18n.MessageBundle;

/**
 * The console's words, English here; Simplified Chinese and Japanese in {@code messages/msg_zh-CN.properties} and
 * {@code messages/msg_ja.properties} (checked at build time: a key missing from this interface fails the build).
 * Templates use them as {@code {msg:title}}.
 */
@MessageBundle("msg")
public interface ConsoleMessages {

    @Message("customer-flow console")
    String title();

    @Message("Customers")
    String navCustomers();

    @Message("Bookings")
    String navBookings();

    @Message("Sync health")
    String navHealth();

    @Message("Privacy")
    String navPrivacy();

    @Message("Shop")
    String shop();

    @Message("Show")
    String show();

    @Message("Sign in")
    String signIn();

    @Message("Sign out")
    String signOut();

    @Message("Store API token")
    String token();

    @Message("Sign-in failed. Check the token and try again.")
    String signInFailed();

    @Message("Signed in as {name}")
    String signedInAs(String name);

    @Message("Search by email or name")
    String search();

    @Message("Channel")
    String channel();

    @Message("Any")
    String anyChannel();

    @Message("Checkout")
    String checkout();

    @Message("Instant")
    String instant();

    @Message("Booked from")
    String bookedFrom();

    @Message("to")
    String bookedTo();

    @Message("Name")
    String name();

    @Message("Email")
    String email();

    @Message("Checkout bookings")
    String checkoutBookings();

    @Message("Instant bookings")
    String instantBookings();

    @Message("Last booked")
    String lastBooked();

    /** English has two plural forms (one, other); Japanese and Chinese one (their bundles have no branch). */
    @Message("{total} {#if total == 1}customer{#else}customers{/if}")
    String customersTotal(long total);

    @Message("Page {page} of {pages}")
    String pageOf(int page, long pages);

    @Message("Previous")
    String previous();

    @Message("Next")
    String next();

    @Message("Download the booked customers (CSV)")
    String downloadCsv();

    @Message("No customers match.")
    String noCustomers();

    @Message("Booking")
    String booking();

    @Message("Order")
    String order();

    @Message("Status")
    String status();

    @Message("Booked at")
    String bookedAt();

    @Message("Updated")
    String updatedAt();

    @Message("Bookings per day")
    String bookingsPerDay();

    @Message("Last {days} days")
    String lastDays(int days);

    @Message("Day")
    String day();

    @Message("Bookings")
    String bookings();

    @Message("Confirmed")
    String confirmed();

    @Message("Rescheduled")
    String rescheduled();

    @Message("Cancelled")
    String cancelled();

    @Message("Completed")
    String completed();

    @Message("No-show")
    String noShow();

    @Message("Total")
    String total();

    @Message("Consumer")
    String consumer();

    @Message("Consumer group")
    String group();

    @Message("Topic")
    String topic();

    @Message("Lag (records)")
    String lag();

    @Message("unavailable")
    String unavailable();

    @Message("Dead letters")
    String deadLetters();

    @Message("Reason")
    String reason();

    @Message("Count")
    String count();

    @Message("Newest dead letters")
    String newest();

    @Message("Event id")
    String eventId();

    @Message("Type")
    String type();

    @Message("Time")
    String time();

    @Message("None.")
    String none();

    @Message("Replay once the cause is fixed")
    String replay();

    @Message("This page refreshes itself every 10 seconds.")
    String refreshes();

    @Message("Data requests")
    String dataRequests();

    @Message("Requested at")
    String requestedAt();

    @Message("Download export")
    String downloadExport();

    @Message("Redactions")
    String redactions();

    @Message("Kind")
    String kind();

    @Message("Applied at")
    String appliedAt();

    @Message("This token may not read that shop.")
    String forbidden();

    @Message("Not found: no such page or customer in this shop.")
    String notFound();

    @Message("No shop holds data yet.")
    String noShops();

    @Message("Language")
    String language();

    @Message("Flow triggers")
    String navFlow();

    @Message("Shopify Flow starts a shop's workflows with these booking triggers. A trigger is sent only while one of the shop's enabled workflows uses it, as Flow reported.")
    String flowIntro();

    @Message("Trigger")
    String trigger();

    @Message("Used by a workflow")
    String flowUsed();

    @Message("Sent (24 h)")
    String flowSent();

    @Message("Failed (24 h)")
    String flowFailed();

    @Message("Yes")
    String yes();

    @Message("No")
    String no();

    @Message("Not reported")
    String notReported();

    @Message("Choose a shop to see its triggers.")
    String flowNoShop();

    @Message("Not an event of the contract: unreadable, of an unknown type, or refused by its schema")
    String reasonInvalidEvent();

    @Message("No token or account for the shop")
    String reasonNoCredentials();

    @Message("The event lacks what the service needs (e.g. no email or phone)")
    String reasonMissingData();

    @Message("The shop uninstalled the app")
    String reasonUninstalled();

    @Message("Shopify or Klaviyo refused the token or key")
    String reasonUnauthorized();

    @Message("Shopify or Klaviyo refused the request itself")
    String reasonRejected();

    @Message("Timeouts, rate limits or server errors outlasted the retries")
    String reasonGaveUp();

    @Message("The database refused the write for good")
    String reasonPermanentSql();

    @Message("An unexpected failure: a bug to look at")
    String reasonUnexpected();

    @Message("Reason not recorded (written before reason words)")
    String reasonNotRecorded();
}
