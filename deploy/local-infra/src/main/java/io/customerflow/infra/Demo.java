package io.customerflow.infra;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.EventJson;
import io.customerflow.infra.DemoCase.Expected;

/**
 * {@code ./customer-flow demo}: sends traffic through the public interfaces only (signed webhooks with and without
 * booking lines, a product tagged as bookable, a duplicate delivery, a cancellation, instant bookings with Japanese
 * and Chinese names, a forged webhook), waits until the consumers have acted, then shows one row per case: what
 * ingest answered, what the store holds, what was asked of Shopify and what Klaviyo received.
 */
public final class Demo {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final String BOOKED = "Booked Appointment";
    static final String CANCELLED = "Cancelled Appointment";
    static final String SALON = "demo-salon.myshopify.com";

    /** Where the demo sends its traffic and reads the effects. */
    public record Targets(String ingest, String store, String standIn) {

        public static Targets of(LocalDemo.Ports ports) {
            return new Targets("http://127.0.0.1:" + ports.service("ingest-service"),
                    "http://127.0.0.1:" + ports.service("customer-store-service"), "http://127.0.0.1:" + ports.standIn());
        }
    }

    private final Targets targets;
    private final PrintStream out;

    private Demo(Targets targets, PrintStream out) {
        this.targets = targets;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        if (!LocalCredentials.of(java.nio.file.Path.of(LocalStack.DATA)).demo()) {
            System.err.println("[demo] the local run is connected to your shop or Klaviyo account, so the demo's"
                    + " credentials are off: the demo runs against the stand-in only (remove your settings, then up)");
            System.exit(2);
        }
        boolean asExpected = run(Targets.of(LocalDemo.DEFAULT_PORTS), System.out, Duration.ofSeconds(60)).stream()
                .allMatch(DemoCase::asExpected);
        System.exit(asExpected ? 0 : 1);
    }

    /** Sends every case, waits up to {@code patience} for their effects and prints the table; returns the cases. */
    public static List<DemoCase> run(Targets targets, PrintStream out, Duration patience) throws Exception {
        Demo demo = new Demo(targets, out);
        List<DemoCase> cases = demo.send();
        out.println("[demo] waiting for the consumers (up to " + patience.toSeconds() + " s) ...");
        new DemoObserver(targets, HTTP).awaitAndShow(cases, patience, out);
        return cases;
    }

    private List<DemoCase> send() throws Exception {
        long base = System.currentTimeMillis() % 1_000_000_000L * 100;
        List<DemoCase> cases = new ArrayList<>();

        DemoCase mia = checkout("Mia: checkout order with a booking line (Duration, _reservation_token)", base + 1,
                "mia@example.com", new Expected(true, List.of("tagsAdd"), List.of(BOOKED)));
        mia.answered(webhook("orders/create", order(base + 1, mia, "Mia", "Rossi", LineItem.BOOKING), LocalDemo.WEBHOOK_SECRET));
        cases.add(mia);

        DemoCase leo = checkout("Leo: checkout order without a booking (a shampoo)", base + 2, "leo@example.com",
                new Expected(false, List.of(), List.of()));
        leo.answered(webhook("orders/create", order(base + 2, leo, "Leo", "Berg", LineItem.PLAIN), LocalDemo.WEBHOOK_SECRET));
        cases.add(leo);

        DemoCase kai = checkout("Kai: a product tagged sesami-service, no booking marks (ingest looks the tag up)",
                base + 3, "kai@example.com", new Expected(true, List.of("tagsAdd"), List.of(BOOKED)));
        kai.answered(webhook("orders/create", order(base + 3, kai, "Kai", "Lund", LineItem.TAGGED_PRODUCT),
                LocalDemo.WEBHOOK_SECRET));
        cases.add(kai);

        DemoCase noa = checkout("Noa: a product named a booking product by id (ingest.booking.product-ids), no marks",
                base + 6, "noa@example.com", new Expected(true, List.of("tagsAdd"), List.of(BOOKED)));
        noa.answered(webhook("orders/create", order(base + 6, noa, "Noa", "Berg", LineItem.PRODUCT_BY_ID),
                LocalDemo.WEBHOOK_SECRET));
        cases.add(noa);

        DemoCase ana = checkout("Ana: booking delivered twice by Shopify (same webhook id), then cancelled", base + 4,
                "ana@example.com", new Expected(true, List.of("tagsAdd", "tagsRemove"), List.of(BOOKED, CANCELLED)));
        byte[] anasOrder = order(base + 4, ana, "Ana", "Souza", LineItem.BOOKING);
        String webhookId = UUID.randomUUID().toString();
        ana.answered(webhook("orders/create", anasOrder, webhookId, LocalDemo.WEBHOOK_SECRET));
        ana.answered(webhook("orders/create", anasOrder, webhookId, LocalDemo.WEBHOOK_SECRET));
        ana.answered(webhook("orders/cancelled", anasOrder, LocalDemo.WEBHOOK_SECRET));
        cases.add(ana);

        cases.add(instant("Taro: instant booking, Japanese name (no Shopify customer)", "tokyo-spa.myshopify.com",
                "山田", "太郎", "taro.yamada@example.jp", "Asia/Tokyo"));
        cases.add(instant("Wang: instant booking, Chinese name (no Shopify customer)", "shanghai-studio.myshopify.com",
                "王", "小明", "wang.xiaoming@example.cn", "Asia/Shanghai"));

        DemoCase eve = checkout("Eve: forged webhook (signed with a guessed secret)", base + 5, "eve@example.com",
                new Expected(false, List.of(), List.of()));
        eve.answered(webhook("orders/create", order(base + 5, eve, "Eve", "Forger", LineItem.BOOKING), "a-guessed-secret"));
        cases.add(eve);
        return cases;
    }

    private DemoCase checkout(String label, long n, String email, Expected expected) {
        return new DemoCase(label, SALON, email, n + 10, expected);
    }

    private enum LineItem { BOOKING, PLAIN, TAGGED_PRODUCT, PRODUCT_BY_ID }

    private byte[] order(long orderId, DemoCase c, String first, String last, LineItem kind) {
        ObjectNode o = EventJson.mapper().createObjectNode();
        o.put("id", orderId).put("name", "#" + orderId % 10000).put("email", c.email()).put("currency", "USD")
                .put("created_at", java.time.OffsetDateTime.now().withNano(0).toString());
        o.putObject("customer").put("id", c.shopifyCustomerId()).put("email", c.email()).put("first_name", first)
                .put("last_name", last);
        ObjectNode item = o.putArray("line_items").addObject();
        boolean booking = kind == LineItem.BOOKING;
        item.put("id", orderId * 10).put("product_id", switch (kind) {
            case BOOKING -> 801;
            case PLAIN -> 802;
            case TAGGED_PRODUCT -> SaasStandIn.BOOKABLE_PRODUCT_ID;
            case PRODUCT_BY_ID -> SaasStandIn.BOOKING_PRODUCT_ID;
        }).put("variant_id", 901).put("quantity", 1)
                .put("title", kind == LineItem.PLAIN ? "Argan Oil Shampoo" : "Haircut & Style")
                .put("price", booking ? "65.00" : "30.00").put("variant_title", booking ? "45 Minutes" : null);
        var properties = item.putArray("properties");
        if (booking) {
            properties.addObject().put("name", "Date").put("value", "December 4, 2026");
            properties.addObject().put("name", "Time").put("value", "3:30 PM");
            properties.addObject().put("name", "Duration").put("value", "45 Minutes");
            properties.addObject().put("name", "_reservation_token").put("value", "rsv_" + orderId);
        }
        return EventJson.toBytes(o);
    }

    private HttpResponse<String> webhook(String topic, byte[] body, String secret) throws Exception {
        return webhook(topic, body, UUID.randomUUID().toString(), secret);
    }

    private HttpResponse<String> webhook(String topic, byte[] body, String webhookId, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HTTP.send(HttpRequest.newBuilder(URI.create(targets.ingest() + "/webhooks/shopify"))
                .header("Content-Type", "application/json")
                .header("X-Shopify-Hmac-Sha256", Base64.getEncoder().encodeToString(mac.doFinal(body)))
                .header("X-Shopify-Topic", topic).header("X-Shopify-Shop-Domain", SALON)
                .header("X-Shopify-Webhook-Id", webhookId).header("X-Shopify-API-Version", "2026-10")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private DemoCase instant(String label, String shop, String last, String first, String email, String zone)
            throws Exception {
        DemoCase c = new DemoCase(label, shop, email, null, new Expected(true, List.of(), List.of(BOOKED)));
        ObjectNode b = EventJson.mapper().createObjectNode();
        b.put("shop", shop);
        b.putObject("customer").put("firstName", first).put("lastName", last).put("email", email);
        b.putObject("service").put("id", "svc-massage-60").put("title", "Massage 60");
        b.put("start", java.time.OffsetDateTime.now().plusDays(7).withNano(0).toString()).put("durationMinutes", 60)
                .put("timezone", zone);
        c.answered(HTTP.send(HttpRequest.newBuilder(URI.create(targets.ingest() + "/v1/instant-bookings"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + LocalDemo.API_KEY)
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.toBytes(b))).build(),
                HttpResponse.BodyHandlers.ofString()));
        return c;
    }
}
