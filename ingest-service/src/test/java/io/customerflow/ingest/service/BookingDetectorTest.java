package io.customerflow.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.OrderEvent;
import io.customerflow.events.OrderLineItem;
import io.customerflow.events.Property;
import io.customerflow.infra.TestConfigs;
import io.customerflow.ingest.config.IngestConfig;

/** The one definition of a booking line item: marks, product ids, SKU prefixes and product tags. */
class BookingDetectorTest {

    static BookingDetector detector(Map<String, String> properties) {
        return new BookingDetector(TestConfigs.mapping(IngestConfig.class, properties));
    }

    static OrderLineItem item(long id, Long productId, String sku, Property... properties) {
        return new OrderLineItem(id, productId, 9L, sku, "Massage", "60 Minutes", 1, List.of(properties),
                new BookingEvent.Money("80.00", "EUR"));
    }

    @Test
    void byDefaultTheMarksOrTheBookingAppsProductTagMakeABooking() {
        BookingDetector detector = detector(Map.of());
        assertTrue(detector.isBooking(item(1, 5L, null, new Property("Duration", "60 Minutes"))));
        assertFalse(detector.isBooking(item(2, 5L, null)), "no mark, tags unknown");
        assertTrue(detector.needsProductTags(item(2, 5L, null)), "only the product's tags can tell");
        assertTrue(detector.isBooking(item(2, 5L, null), Set.of(" Sesami-Service ")), "tags compare as marks do");
        assertFalse(detector.isBooking(item(2, 5L, null), Set.of("shampoo")));
        assertFalse(detector.needsProductTags(item(3, null, null)), "a custom line item has no product to look up");
        assertFalse(detector.needsProductTags(item(1, 5L, null, new Property("_session-id", "x"))),
                "already a booking by its mark");
    }

    @Test
    void productIdsAndSkuPrefixesNeedNoLookUp() {
        BookingDetector detector = detector(Map.of("ingest.booking.product-ids", "7001,7002",
                "ingest.booking.sku-prefixes", "SVC-,APPT"));
        assertTrue(detector.isBooking(item(1, 7002L, null)));
        assertTrue(detector.isBooking(item(2, 5L, "SVC-MASSAGE-60")));
        assertTrue(detector.isBooking(item(3, 5L, "APPT")));
        assertFalse(detector.isBooking(item(4, 5L, "svc-massage")), "SKUs are compared as Shopify stores them");
        assertFalse(detector.needsProductTags(item(1, 7002L, null)));
    }

    @Test
    void withoutProductTagsNothingIsLookedUp() {
        BookingDetector detector = detector(Map.of("ingest.booking.product-tags", ""));
        assertFalse(detector.needsProductTags(item(2, 5L, null)));
        assertFalse(detector.isBooking(item(2, 5L, null), Set.of("sesami-service")));
    }

    @Test
    void aBookingFoundByTagCarriesTheLineItemsPriceAndTheSameIdAsByMark() {
        BookingDetector detector = detector(Map.of());
        OrderEvent order = new OrderEvent("a.myshopify.com", 42, "#42", "mia@example.com", null,
                List.of(item(420, 5L, null), item(421, 6L, null)), List.of(), null, null, null);
        List<BookingEvent> found = detector.bookings(order, null,
                li -> li.productId() == 5L ? Set.of("sesami-service") : Set.of());
        assertEquals(1, found.size());
        assertEquals("a.myshopify.com/42/420", found.get(0).bookingId());
        assertEquals(new BookingEvent.Money("80.00", "EUR"), found.get(0).price());
        assertEquals(60, found.get(0).appointment().durationMinutes(), "the variant title gives the duration");
    }
}
