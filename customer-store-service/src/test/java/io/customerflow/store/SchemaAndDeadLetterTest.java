package io.customerflow.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.EventJson;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.Topics;
import io.customerflow.infra.Infrastructure;
import io.customerflow.infra.TestInfrastructure;
import io.customerflow.store.messaging.Channels;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The store keeps only what the app promises; a record that can never apply is dead-lettered with its reason. */
@QuarkusTest
class SchemaAndDeadLetterTest extends StoreTestBase {

    /** Every column the store may have. Adding one means changing the privacy promise: do it here, on purpose. */
    static final Set<String> ALLOWED = Set.of(
            "customer.id", "customer.shop", "customer.customer_key", "customer.email", "customer.email_normalized",
            "customer.first_name", "customer.last_name", "customer.shopify_customer_id", "customer.first_booked_at",
            "customer.last_booked_at", "customer.checkout_bookings", "customer.instant_bookings",
            "customer.created_at", "customer.updated_at",
            "booking.id", "booking.customer_id", "booking.shop", "booking.booking_id", "booking.channel",
            "booking.shopify_order_id", "booking.status", "booking.booked_at", "booking.updated_at",
            "processed_event.event_id", "processed_event.processed_at",
            "redaction.subject_hash", "redaction.redacted_at",
            "data_export.id", "data_export.shop", "data_export.subject_hash", "data_export.data_request_id",
            "data_export.requested_at", "data_export.content",
            // The console's privacy page: which shop asked for a redaction, of what kind, when; never whom.
            "redaction_request.id", "redaction_request.shop", "redaction_request.kind",
            "redaction_request.requested_at", "redaction_request.applied_at",
            // A shop that uninstalled and whose shop/redact has not come yet: the shop and when.
            "shop_uninstalled.shop", "shop_uninstalled.uninstalled_at",
            // Console sessions signed out before their expiry: the digest of the session's nonce, and its expiry.
            "console_session_revoked.nonce_sha256", "console_session_revoked.expires_at");

    @Inject
    MeterRegistry metrics;

    /** dead.letters{consumer=customer-store, reason} now (registered at 0). */
    double deadLetters(String reason) {
        var counter = metrics.find("dead.letters").tag("consumer", "customer-store").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void schemaHoldsNoColumnOutsideThePromise() throws Exception {
        Infrastructure.Database db = TestInfrastructure.database();
        Set<String> columns = new TreeSet<>();
        try (var c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             var rs = c.createStatement().executeQuery("select table_name || '.' || column_name from"
                     + " information_schema.columns where table_schema = 'public'"
                     + " and table_name <> 'flyway_schema_history'")) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        }
        assertEquals(ALLOWED, columns);
    }

    @Test
    void brokenRecordsGoToTheDeadLetterTopicWithTheReason() {
        double brokenBefore = deadLetters("invalid_event");
        double sqlBefore = deadLetters("permanent_sql");
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            var ce = new CloudEvent("broken-1", EventType.BOOKING_CONFIRMED, "/test", null, OffsetDateTime.now());
            kafka.send(Topics.CUSTOMER_EVENTS, "k", ce.toHeaders(), "{\"bookingId\": ".getBytes(StandardCharsets.UTF_8));
            RecordHeaders unknownType = new RecordHeaders();
            unknownType.add("ce_id", "broken-2".getBytes());
            unknownType.add("ce_type", "com.example.unknown".getBytes());
            kafka.send(Topics.CUSTOMER_EVENTS, "k", unknownType, "{}".getBytes());

            var dead = dlq.await(2, Duration.ofSeconds(30));
            assertEquals(2, dead.size());
            String reason0 = CloudEvent.header(dead.get(0).headers(), "dead-letter-reason");
            String reason1 = CloudEvent.header(dead.get(1).headers(), "dead-letter-reason");
            assertTrue(reason0.contains("not JSON"), reason0);
            assertTrue(reason1.contains("unknown ce_type"), reason1);
            assertEquals(Topics.CUSTOMER_EVENTS, CloudEvent.header(dead.get(0).headers(), "dead-letter-topic"));
        }
        // Counted by a fixed reason, so the dashboard needn't guess from the dead-letter producer.
        assertEquals(2.0, deadLetters("invalid_event") - brokenBefore);
        assertEquals(0.0, deadLetters("permanent_sql") - sqlBefore);
        // The consumer goes on after dead letters.
        confirm(booking("after-dlq.myshopify.com", "ib_after_dlq", io.customerflow.events.BookingChannel.INSTANT,
                "a@example.com", "A", "B", null, null, OffsetDateTime.now()));
        awaitCustomers("after-dlq.myshopify.com", p -> total(p) == 1);
    }

    /** A value PostgreSQL refuses though the contract allows it (a NUL in a name) can never apply: dead-lettered, not retried. */
    @Test
    void aPermanentSqlErrorIsDeadLetteredWithItsReason() {
        String shop = "too-long.myshopify.com";
        var tooLong = booking(shop, "ib_too_long_name", BookingChannel.INSTANT, "long@example.com", "L\u0000NUL",
                "Name", null, null, OffsetDateTime.now());
        double sqlBefore = deadLetters("permanent_sql");
        double brokenBefore = deadLetters("invalid_event");
        try (var dlq = kafka.tail(Channels.DEAD_LETTER_TOPIC)) {
            var ce = new CloudEvent("too-long-1", EventType.BOOKING_CONFIRMED, "/test", null, OffsetDateTime.now());
            kafka.send(Topics.CUSTOMER_EVENTS, EventKeys.bookingKey(tooLong), ce.toHeaders(), EventJson.toBytes(tooLong));
            var dead = dlq.await(1, r -> "too-long-1".equals(CloudEvent.header(r.headers(), "ce_id")),
                    Duration.ofSeconds(30));
            assertEquals(1, dead.size());
            String reason = CloudEvent.header(dead.get(0).headers(), "dead-letter-reason");
            assertTrue(reason.contains("0x00"), reason);
        }
        assertEquals(1.0, deadLetters("permanent_sql") - sqlBefore);
        assertEquals(0.0, deadLetters("invalid_event") - brokenBefore);
        // Nothing of it was stored (the transaction rolled back), and the consumer goes on.
        confirm(booking(shop, "ib_after_too_long", BookingChannel.INSTANT, "ok@example.com", "Ok", "Fine", null, null,
                OffsetDateTime.now()));
        JsonPath page = awaitCustomers(shop, p -> total(p) == 1);
        assertEquals("ok@example.com", page.getString("items[0].email"));
    }
}
