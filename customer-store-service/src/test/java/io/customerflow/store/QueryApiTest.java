package io.customerflow.store;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/** Filters, paging, reports, the segment as JSON and CSV, and authentication. */
@QuarkusTest
class QueryApiTest extends StoreTestBase {

    static final String SHOP = "queries.myshopify.com";
    static boolean seeded;

    @BeforeEach
    void seed() {
        if (seeded) {
            return;
        }
        OffsetDateTime d1 = OffsetDateTime.parse("2026-11-01T10:00:00Z");
        OffsetDateTime d2 = OffsetDateTime.parse("2026-11-02T23:30:00Z");
        confirmInTurn(booking(SHOP, SHOP + "/1/1", BookingChannel.CHECKOUT, "ann@example.com", "Ann", "Lee", 1L, 1L, d1),
                booking(SHOP, SHOP + "/2/1", BookingChannel.CHECKOUT, "ben@example.com", "Ben", "O'Neil, \"Jr\"", 2L,
                        2L, d1),
                booking(SHOP, "ib_q3", BookingChannel.INSTANT, "cai@example.cn", "蔡", "文", null, null, d2),
                booking(SHOP, "ib_q4", BookingChannel.INSTANT, "ann@example.com", "Ann", "Lee", null, null, d2),
                booking(SHOP, "ib_q5", BookingChannel.INSTANT, "dan@example.com", "=HYPERLINK(\"x\")", "Dee", null,
                        null, d2.plusDays(5)));
        awaitCustomers(SHOP, p -> total(p) == 4 && p.getInt("items[0].instantBookings") == 1);
        seeded = true;
    }

    @Test
    void filtersNarrowTheList() {
        assertEquals(List.of("Ann"), customers(SHOP, "email=ANN@example.com").getList("items.firstName"));
        assertEquals(List.of("Ben"), customers(SHOP, "name=neil").getList("items.firstName"));
        assertEquals(List.of("蔡"), customers(SHOP, "name=文").getList("items.firstName"));
        assertEquals(List.of("Ann", "Ben"), customers(SHOP, "channel=CHECKOUT").getList("items.firstName"));
        assertEquals(List.of("Ann", "蔡"),
                customers(SHOP, "bookedFrom=2026-11-02&bookedTo=2026-11-02").getList("items.firstName"));
        assertEquals(0, total(customers(SHOP, "name=%25")), "a % in the filter is a literal, not a wildcard");
    }

    @Test
    void pagesAreStableAndComplete() {
        JsonPath p0 = customers(SHOP, "size=3&page=0");
        JsonPath p1 = customers(SHOP, "size=3&page=1");
        assertEquals(4, p0.getInt("total"));
        assertEquals(3, p0.getList("items").size());
        assertEquals(1, p1.getList("items").size());
        List<Long> ids = new java.util.ArrayList<>(p0.getList("items.id", Long.class));
        ids.addAll(p1.getList("items.id", Long.class));
        assertEquals(ids.stream().sorted().toList(), ids, "ordered by id");
        assertEquals(4, ids.stream().distinct().count());
    }

    @Test
    void reportCountsBookingsPerDayAndChannel() {
        JsonPath report = api().get("/v1/reports/bookings?shop=" + SHOP + "&from=2026-11-01&to=2026-11-02")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(Map.of("date", "2026-11-01", "channel", "CHECKOUT", "bookings", 2, "cancelled", 0,
                "completed", 0, "noShow", 0), Map.of("date", "2026-11-02", "channel", "INSTANT", "bookings", 2,
                "cancelled", 0, "completed", 0, "noShow", 0)),
                report.getList("days"));
        assertEquals(Map.of("CHECKOUT", 2, "INSTANT", 2), report.getMap("totals"));
        assertEquals(3, report.getInt("bookingCustomers"), "Ann booked twice: one customer");
        api().get("/v1/reports/bookings?shop=" + SHOP + "&from=2026-11-05&to=2026-11-01").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void segmentAsJsonAndAsCsvWithEscaping() {
        api().accept("application/json").get("/v1/segments/booked-customers?shop=" + SHOP).then().statusCode(200)
                .body("count", equalTo(4));
        String csv = api().accept("text/csv").get("/v1/segments/booked-customers?shop=" + SHOP).then()
                .statusCode(200).contentType("text/csv").extract().asString();
        String[] lines = csv.split("\r\n");
        assertEquals("email,first_name,last_name,shopify_customer_id,checkout_bookings,instant_bookings,"
                + "first_booked_at,last_booked_at", lines[0]);
        assertEquals(5, lines.length);
        assertEquals("ben@example.com,Ben,\"O'Neil, \"\"Jr\"\"\",2,1,0,2026-11-01T10:00Z,2026-11-01T10:00Z", lines[2]);
        assertEquals("cai@example.cn,蔡,文,,0,1,2026-11-02T23:30Z,2026-11-02T23:30Z", lines[3]);
        assertEquals("dan@example.com,\"'=HYPERLINK(\"\"x\"\")\",Dee,,0,1,2026-11-07T23:30Z,2026-11-07T23:30Z",
                lines[4], "a formula-like name is neutralized");
    }

    @Test
    void everyQueryNeedsTheToken() {
        for (String path : List.of("/v1/customers?shop=" + SHOP, "/v1/customers/1?shop=" + SHOP,
                "/v1/reports/bookings?shop=" + SHOP + "&from=2026-11-01&to=2026-11-02",
                "/v1/segments/booked-customers?shop=" + SHOP, "/v1/data-requests?shop=" + SHOP)) {
            RestAssured.get(path).then().statusCode(401).contentType("application/problem+json");
            RestAssured.given().header("Authorization", "Bearer wrong").get(path).then().statusCode(401);
        }
        RestAssured.get("/q/health/ready").then().statusCode(200);
        api().get("/v1/customers?shop=not a shop").then().statusCode(400);
        api().get("/v1/customers/999999999?shop=" + SHOP).then().statusCode(404)
                .contentType("application/problem+json");
    }

    /** Tokens are kept as digests, each scoped to its shops: tokyo-store-token reads tokyo-spa only. */
    @Test
    void aTokenScopedToOneShopGets403ForAnyOther() {
        String tokyo = "tokyo-spa.myshopify.com";
        var tokyoToken = RestAssured.given().header("Authorization", "Bearer tokyo-store-token");
        for (String path : List.of("/v1/customers?shop=" + SHOP, "/v1/customers/1?shop=" + SHOP,
                "/v1/reports/bookings?shop=" + SHOP + "&from=2026-11-01&to=2026-11-02",
                "/v1/segments/booked-customers?shop=" + SHOP,
                "/v1/data-requests?shop=" + SHOP, "/v1/customers?shop=" + tokyo + "&shop=" + SHOP)) {
            RestAssured.given().header("Authorization", "Bearer tokyo-store-token").get(path).then().statusCode(403)
                    .contentType("application/problem+json").body("detail", equalTo("this token may not read that shop"));
        }
        tokyoToken.get("/v1/customers?shop=" + tokyo).then().statusCode(200);
        RestAssured.given().header("Authorization", "Bearer tokyo-store-token").get("/v1/data-requests?shop=" + tokyo)
                .then().statusCode(200);
        // The digest itself is no token.
        RestAssured.given().header("Authorization",
                "Bearer 8896be35c2fca36d93285929da653cff40dd006c90447a9e8163d1ed424b3c6a")
                .get("/v1/customers?shop=" + tokyo).then().statusCode(401);
    }

    @Test
    void oneCustomerIsReadWithinItsShopOnly() {
        long ann = customers(SHOP, "email=ann@example.com").getLong("items[0].id");
        api().get("/v1/customers/" + ann + "?shop=" + SHOP).then().statusCode(200).body("firstName", equalTo("Ann"))
                .body("bookings.size()", equalTo(2));
        api().get("/v1/customers/" + ann).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("shop"));
        api().get("/v1/customers/" + ann + "?shop=other-shop.myshopify.com").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void malformedQueryParametersAre400sNamingTheParameter() {
        Map<String, String> badRequests = new java.util.LinkedHashMap<>();
        badRequests.put("/v1/customers?shop=" + SHOP + "&bookedFrom=x", "bookedFrom");
        badRequests.put("/v1/customers?shop=" + SHOP + "&bookedTo=2026-13-01", "bookedTo");
        badRequests.put("/v1/customers?shop=" + SHOP + "&page=abc", "page");
        badRequests.put("/v1/customers?shop=" + SHOP + "&page=-1", "page");
        badRequests.put("/v1/customers?shop=" + SHOP + "&size=abc", "size");
        badRequests.put("/v1/customers?shop=" + SHOP + "&size=0", "size");
        badRequests.put("/v1/customers?shop=" + SHOP + "&size=201", "size"); // over store.api.max-page-size (200 here)
        badRequests.put("/v1/customers?shop=" + SHOP + "&channel=PHONE", "channel");
        badRequests.put("/v1/reports/bookings?shop=" + SHOP + "&from=x&to=2026-11-02", "from");
        badRequests.put("/v1/reports/bookings?shop=" + SHOP + "&from=2026-11-01&to=yesterday", "to");
        badRequests.put("/v1/reports/bookings?shop=" + SHOP + "&to=2026-11-02", "from");
        badRequests.put("/v1/segments/booked-customers?shop=x", "shop");
        badRequests.put("/v1/data-requests", "shop");
        badRequests.forEach((path, parameter) -> api().get(path).then().statusCode(400)
                .contentType("application/problem+json").body("status", equalTo(400))
                .body("detail", containsString(parameter)));
        assertEquals(200, customers(SHOP, "size=200").getInt("size"), "the largest page allowed is served");
    }

    @Test
    void bookingCustomersOfTheReportAreTheSegmentsCustomers() {
        String shop = "report-segment.myshopify.com";
        OffsetDateTime day = OffsetDateTime.parse("2026-11-03T08:00:00Z");
        var xena = booking(shop, "ib_rs_xena", BookingChannel.INSTANT, "xena@example.com", "Xena", "X", null, null, day);
        var zoe2 = booking(shop, "ib_rs_zoe2", BookingChannel.INSTANT, "zoe@example.com", "Zoe", "Z", null, null, day);
        confirm(xena);
        confirm(booking(shop, "ib_rs_yann", BookingChannel.INSTANT, "yann@example.com", "Yann", "Y", null, null, day));
        confirm(booking(shop, "ib_rs_zoe1", BookingChannel.INSTANT, "zoe@example.com", "Zoe", "Z", null, null, day));
        confirm(zoe2);
        send(EventType.BOOKING_CANCELLED, xena.bookingId() + "/cancelled", EventKeys.bookingKey(xena), xena);
        send(EventType.BOOKING_CANCELLED, zoe2.bookingId() + "/cancelled", EventKeys.bookingKey(zoe2), zoe2);
        JsonPath[] report = new JsonPath[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> (report[0] = api().get("/v1/reports/bookings?shop=" + shop
                + "&from=2026-11-03&to=2026-11-03").then().statusCode(200).extract().jsonPath())
                .getInt("days[0].cancelled") == 2 && report[0].getInt("days[0].bookings") == 4);
        JsonPath segment = api().get("/v1/segments/booked-customers?shop=" + shop).then().statusCode(200).extract()
                .jsonPath();
        assertEquals(List.of("yann@example.com", "zoe@example.com"), segment.getList("customers.email"),
                "Xena's only booking is cancelled; Zoe has one left");
        assertEquals(2, report[0].getInt("bookingCustomers"), "the same customers as the segment");
        assertEquals(segment.getInt("count"), report[0].getInt("bookingCustomers"));
    }

    @Test
    void openApiDocumentsEveryEndpoint() {
        String openapi = RestAssured.get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        for (String path : List.of("/v1/customers", "/v1/customers/{id}", "/v1/reports/bookings",
                "/v1/segments/booked-customers", "/v1/data-requests")) {
            assertEquals(true, openapi.contains("\"" + path + "\""), path);
        }
        assertTrue(openapi.contains("bookingCustomers counts the \\\"who has booked\\\" customers"),
                "the report documents which customers it counts");
    }
}
