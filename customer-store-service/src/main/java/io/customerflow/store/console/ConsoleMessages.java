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

    @Message("Shops")
    String navShops();

    @Message("Audit")
    String navAudit();

    @Message("Every shop in the registry, with what the services last reported of it. A shop needs attention when its token, subscriptions, Klaviyo key, a pass or its webhooks went wrong.")
    String shopsIntro();

    @Message("Domain contains")
    String shopsSearch();

    @Message("State")
    String shopsState();

    @Message("Any state")
    String shopsAnyState();

    @Message("Shops found: {count}")
    String shopsTotal(long count);

    @Message("No shop matches.")
    String shopsNone();

    @Message("OK")
    String stateOk();

    @Message("Needs attention")
    String stateAttention();

    @Message("Needs re-authorisation")
    String stateNeedsReauth();

    @Message("Uninstalled")
    String stateUninstalled();

    @Message("Shopify refused the token's refresh")
    String problemTokenRefused();

    @Message("The Admin API token expired without a refresh")
    String problemTokenExpired();

    @Message("The webhook subscriptions could not be checked")
    String problemSubscriptionsFailed();

    @Message("Klaviyo refused the key")
    String problemKlaviyoRevoked();

    @Message("The last reconciliation pass failed")
    String problemReconcileFailed();

    @Message("The last backfill failed")
    String problemBackfillFailed();

    @Message("No webhook for a day or more")
    String problemWebhooksQuiet();

    @Message("Problems")
    String colProblems();

    @Message("Last webhook")
    String colLastWebhook();

    @Message("Token expires")
    String colTokenExpires();

    @Message("Installed")
    String colInstalled();

    @Message("Health")
    String shopHealth();

    @Message("Webhooks received")
    String aspectWebhooks();

    @Message("Webhook subscriptions")
    String aspectSubscriptions();

    @Message("Admin API token refresh")
    String aspectToken();

    @Message("Klaviyo key")
    String aspectKlaviyo();

    @Message("Last reconciliation pass")
    String aspectReconcile();

    @Message("Bookings in the last 24 h")
    String aspectBookings();

    @Message("What")
    String colAspect();

    @Message("When")
    String colObserved();

    @Message("Detail")
    String colDetail();

    @Message("Received")
    String hsReceived();

    @Message("OK")
    String hsOk();

    @Message("Repaired")
    String hsRepaired();

    @Message("Failed")
    String hsFailed();

    @Message("Refreshed")
    String hsRefreshed();

    @Message("Refused")
    String hsRefused();

    @Message("Valid")
    String hsValid();

    @Message("Revoked")
    String hsRevoked();

    @Message("Done")
    String hsDone();

    @Message("Running")
    String hsRunning();

    @Message("Requested")
    String hsRequested();

    @Message("Not reported yet")
    String hsNotReported();

    @Message("{created} created, {updated} corrected")
    String repairs(long created, long updated);

    @Message("Settings (no secrets)")
    String shopSettings();

    @Message("App (client id)")
    String settingApp();

    @Message("Scopes")
    String settingScopes();

    @Message("Token kind")
    String settingTokenKind();

    @Message("Refresh token expires")
    String settingRefreshExpires();

    @Message("Has a Klaviyo key")
    String settingKlaviyo();

    @Message("Reconciled")
    String settingReconcile();

    @Message("Instant bookers become Shopify customers")
    String settingInstantCustomers();

    @Message("Tag renames")
    String settingTagNames();

    @Message("Backfill")
    String backfillTitle();

    @Message("Publishes the bookings of the orders created in the range as historical events: the sinks learn of them, no merchant automation starts.")
    String backfillIntro();

    @Message("From (date, UTC)")
    String backfillSince();

    @Message("To (date, UTC, included, optional)")
    String backfillUntil();

    @Message("Start backfill")
    String backfillStart();

    @Message("{scanned} of {total} orders read, {bookings} bookings found")
    String backfillProgress(long scanned, long total, long bookings);

    @Message("read by one Shopify bulk operation")
    String backfillReadByBulk();

    @Message("read page by page")
    String backfillReadByPages();

    @Message("No backfill yet.")
    String backfillNone();

    @Message("Check subscriptions now")
    String checkSubscriptions();

    @Message("Backfill requested: its progress shows here within seconds.")
    String noticeBackfill();

    @Message("Subscription check requested: the result shows here within seconds.")
    String noticeCheck();

    @Message("Give the first day as a date that is not in the future.")
    String errorSince();

    @Message("The last day must be after the first.")
    String errorUntil();

    @Message("The shop is not installed: nothing can be read from it.")
    String errorNotInstalled();

    @Message("Kafka did not acknowledge the request: try again.")
    String errorUnavailable();

    @Message("The newest 500 requests made in this console for work on a shop, newest first (the topic keeps them 90 days).")
    String auditIntro();

    @Message("Who")
    String auditWho();

    @Message("What")
    String auditWhat();

    @Message("No request yet.")
    String auditNone();

    @Message("Backfill")
    String actionBackfill();

    @Message("Check subscriptions")
    String actionCheckSubscriptions();

    @Message("now")
    String untilNow();

    @Message("Installed")
    String stateInstalled();

    @Message("A backfill of this shop is already running: wait for it to end.")
    String errorRunning();

    @Message("This token reads the shop; asking for work on it needs a token with console actions.")
    String noActions();

    @Message("Not kept here (no public HTTPS address, or kept by shopify.app.toml)")
    String hsNotKept();
}
