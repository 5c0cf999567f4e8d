package io.customerflow.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.customerflow.events.EventJson;
import io.customerflow.ingest.service.HmacVerifier;

/**
 * Generates hostile requests against ingest, each with the statuses it may get: forged and missing signatures,
 * truncated, deeply nested, oversized and wrongly typed bodies, invalid shops, header injection and request
 * smuggling over a raw socket, replays of one valid webhook, and instant bookings with wrong keys or bodies.
 */
final class HostileCorpus {

    /** One request: its kind (for the report), the statuses it may be answered with, and how to send it. */
    record Hostile(String kind, Set<Integer> allowed, Sender sender) {
    }

    interface Sender {
        int send(HostileCorpus corpus) throws IOException, InterruptedException;
    }

    static final String MARKER_EMAIL = "hostile.zoe@corpus.example";
    static final String MARKER_NAME = "Zoë Hostilová";

    private static final Set<Integer> BAD_REQUEST = Set.of(400);
    private static final Set<Integer> UNAUTHORIZED = Set.of(401);

    private final URI base;
    private final int port;
    private final String secret;
    private final String shop;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Random random = new Random(20261123);
    private final java.util.concurrent.atomic.AtomicLong deliveries = new java.util.concurrent.atomic.AtomicLong();

    HostileCorpus(URI base, String secret, String shop) {
        this.base = base;
        this.port = base.getPort();
        this.secret = secret;
        this.shop = shop;
    }

    /** A booking order carrying the marker name and email, so a log scan can prove they never leak. */
    byte[] validOrder(long id) {
        ObjectNode order = (ObjectNode) json(IngestTestBase.bookingOrder(id));
        order.put("email", MARKER_EMAIL);
        ObjectNode customer = (ObjectNode) order.path("customer");
        customer.put("email", MARKER_EMAIL).put("first_name", MARKER_NAME).put("last_name", MARKER_NAME);
        return bytes(order);
    }

    List<Hostile> generate(String apiKey, String replayWebhookId, byte[] replayBody) {
        List<Hostile> all = new ArrayList<>();
        byte[] valid = validOrder(9_100_000L);
        for (int i = 0; i < 1500; i++) { // forged, missing, foreign-secret and other-body signatures
            byte[] body = validOrder(9_200_000L + i);
            String signature = switch (i % 5) {
                case 0 -> null;
                case 1 -> HmacVerifier.signature("not-the-secret-" + i, body);
                case 2 -> HmacVerifier.signature(secret, valid);
                case 3 -> Base64.getEncoder().encodeToString(randomBytes(1 + random.nextInt(64)));
                default -> HmacVerifier.signature(secret, body).substring(0, 1 + random.nextInt(40));
            };
            all.add(new Hostile("bad or missing HMAC", UNAUTHORIZED, c -> c.webhook(body, signature, shop, "h-" + body.length)));
        }
        for (int i = 0; i < 1500; i++) { // signed, truncated: a prefix of a JSON object is never JSON
            byte[] body = Arrays.copyOf(valid, random.nextInt(valid.length - 1));
            all.add(signed("truncated JSON", BAD_REQUEST, body));
        }
        for (int i = 0; i < 500; i++) { // signed, nested far deeper than any order
            int depth = 500 + random.nextInt(20_000);
            String open = i % 2 == 0 ? "[" : "{\"a\":";
            String close = i % 2 == 0 ? "]" : "}";
            byte[] body = (open.repeat(depth) + "1" + (i % 3 == 0 ? "" : close.repeat(depth))).getBytes(StandardCharsets.UTF_8);
            all.add(signed("deeply nested JSON", BAD_REQUEST, body));
        }
        for (int i = 0; i < 2000; i++) { // signed, a field ingest reads given the wrong type
            all.add(signed("wrong types", BAD_REQUEST, wronglyTyped(valid, i)));
        }
        for (int i = 0; i < 12; i++) { // over the 4 MB limit, signed or not
            byte[] body = new byte[4 * 1024 * 1024 + 1 + random.nextInt(1024 * 1024)];
            Arrays.fill(body, (byte) ' ');
            body[0] = '{';
            body[body.length - 1] = '}';
            String head = "POST /webhooks/shopify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-Shopify-Hmac-Sha256: " + HmacVerifier.signature(secret, body) + "\r\nX-Shopify-Topic: orders/create"
                    + "\r\nX-Shopify-Shop-Domain: " + shop + "\r\nX-Shopify-Webhook-Id: huge-" + i + "\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n";
            // Raw: a client library that sees the connection close mid-body reports no answer at all.
            all.add(new Hostile("huge body", Set.of(413), c -> c.raw(head.getBytes(StandardCharsets.ISO_8859_1), body)));
        }
        for (int i = 0; i < 1000; i++) { // signed, valid body, invalid shop domain
            String badShop = invalidShop(i);
            all.add(new Hostile("invalid shop", BAD_REQUEST,
                    c -> c.webhook(valid, HmacVerifier.signature(secret, valid), badShop, "shop-" + deliveries.incrementAndGet())));
        }
        for (int i = 0; i < 500; i++) { // CR/LF and NUL in headers, smuggling, oversized headers: raw socket
            String raw = rawRequest(i, valid);
            all.add(new Hostile("header injection / smuggling", Set.of(400, 401, 413, 431),
                    c -> c.raw(raw.getBytes(StandardCharsets.ISO_8859_1))));
        }
        for (int i = 0; i < 500; i++) { // signed, wrong media type
            String type = List.of("text/plain", "application/x-www-form-urlencoded", "application/xml").get(i % 3);
            all.add(new Hostile("wrong content type", Set.of(415),
                    c -> c.send(HttpRequest.newBuilder(c.base.resolve("/webhooks/shopify")).header("Content-Type", type)
                            .header("X-Shopify-Hmac-Sha256", HmacVerifier.signature(secret, valid))
                            .header("X-Shopify-Topic", "orders/create").header("X-Shopify-Shop-Domain", shop)
                            .header("X-Shopify-Webhook-Id", "type-" + c.deliveries.incrementAndGet()).POST(HttpRequest.BodyPublishers.ofByteArray(valid)))));
        }
        for (int i = 0; i < 1000; i++) { // the same signed delivery again and again: 200, never a second event
            all.add(new Hostile("replayed webhook", Set.of(200),
                    c -> c.webhook(replayBody, HmacVerifier.signature(secret, replayBody), shop, replayWebhookId)));
        }
        String booking = InstantBookingTest.validBooking().toString();
        for (int i = 0; i < 1000; i++) { // missing, unknown and malformed API keys
            String authorization = switch (i % 4) {
                case 0 -> null;
                case 1 -> "Bearer wrong-key-" + i;
                case 2 -> "Basic " + Base64.getEncoder().encodeToString(("user:" + apiKey).getBytes(StandardCharsets.UTF_8));
                default -> "Bearer " + apiKey.substring(0, apiKey.length() - 1) + "!";
            };
            all.add(new Hostile("wrong API key", UNAUTHORIZED, c -> c.booking(booking, authorization)));
        }
        for (int i = 0; i < 300; i++) { // a valid key booking for a shop it was not given
            ObjectNode other = InstantBookingTest.validBooking();
            other.put("shop", "other-shop-" + i + ".myshopify.com");
            all.add(new Hostile("another shop's booking", Set.of(403), c -> c.booking(other.toString(), "Bearer " + apiKey)));
        }
        for (int i = 0; i < 300; i++) { // a valid key, a truncated booking body
            String broken = booking.substring(0, random.nextInt(booking.length()));
            all.add(new Hostile("truncated booking", BAD_REQUEST, c -> c.booking(broken, "Bearer " + apiKey)));
        }
        all.addAll(HostileBookings.invalidFields("Bearer " + apiKey));
        all.addAll(HostileBookings.invalidHeadersAndPaths("Bearer " + apiKey));
        return all;
    }

    /** Signed by the real secret, each with its own webhook id (a repeated id is answered as a duplicate, unread). */
    private Hostile signed(String kind, Set<Integer> allowed, byte[] body) {
        String webhookId = "signed-" + deliveries.incrementAndGet();
        return new Hostile(kind, allowed, c -> c.webhook(body, HmacVerifier.signature(secret, body), shop, webhookId));
    }

    private byte[] wronglyTyped(byte[] valid, int i) {
        ObjectNode order = (ObjectNode) json(valid);
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<JsonNode> wrong = List.of(f.textNode("abc"), f.arrayNode(), f.objectNode(), f.booleanNode(true),
                f.numberNode(-1.5e300), f.textNode("💥\u0000"));
        JsonNode value = wrong.get(i % wrong.size());
        ObjectNode item = (ObjectNode) order.path("line_items").path(0);
        switch ((i / wrong.size()) % 6) {
            case 0 -> order.set("id", value.isNumber() ? f.textNode("1e") : value);
            case 1 -> order.set("customer", value.isObject() ? f.arrayNode() : value);
            case 2 -> order.set("line_items", value.isArray() ? f.objectNode() : value);
            case 3 -> item.set("properties", value.isArray() ? f.textNode("Duration") : value);
            case 4 -> order.set("created_at", value.isTextual() ? f.textNode("yesterday") : value);
            default -> ((ArrayNode) order.path("line_items")).add(value.isObject() ? f.arrayNode() : value);
        }
        return bytes(order);
    }

    private String invalidShop(int i) {
        List<String> shapes = List.of("", " ", "evil.com", "a.myshopify.com.evil.io", "UPPER.myshopify.com",
                "-dash.myshopify.com", "../../etc/passwd", "shop.myshopify.com/", "shop..myshopify.com",
                "ﬁ-shop.myshopify.com", "shop.myshopify.com:443", "x".repeat(200) + ".myshopify.com",
                "shop.myshopify.com%0d%0aX-Injected: 1", "shop.myshopify.co", "*.myshopify.com");
        String shape = shapes.get(i % shapes.size());
        return i < shapes.size() ? shape : shape.replace("shop", "shop" + i);
    }

    /** Raw HTTP/1.1 requests a client library refuses to send. */
    private String rawRequest(int i, byte[] valid) {
        String body = new String(valid, StandardCharsets.ISO_8859_1);
        String signature = HmacVerifier.signature(secret, valid);
        String head = "POST /webhooks/shopify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
        return switch (i % 5) {
            case 0 -> head + "X-Shopify-Hmac-Sha256: " + signature + "\r\nX-Shopify-Topic: orders/create\r\n"
                    + "X-Shopify-Shop-Domain: " + shop + "\rX-Injected: " + i + "\r\nX-Shopify-Webhook-Id: raw-" + i
                    + "\r\nContent-Length: " + valid.length + "\r\nConnection: close\r\n\r\n" + body;
            case 1 -> head + "X-Shopify-Hmac-Sha256: " + signature + "\r\nX-Shopify-Topic: orders/create\r\n"
                    + "X-Shopify-Shop-Domain: " + shop + "\u0000evil.com\r\nX-Shopify-Webhook-Id: raw-" + i
                    + "\r\nContent-Length: " + valid.length + "\r\nConnection: close\r\n\r\n" + body;
            case 2 -> head + "X-Shopify-Hmac-Sha256: " + signature + "\r\nContent-Length: " + valid.length
                    + "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n" + body;
            case 3 -> head + "X-Shopify-Hmac-Sha256: " + signature + "\r\nX-Long: " + "a".repeat(40_000 + i)
                    + "\r\nContent-Length: " + valid.length + "\r\nConnection: close\r\n\r\n" + body;
            default -> head + "X-Shopify-Hmac-Sha256: " + signature + "\r\nX-Shopify-Topic: orders/create\r\n"
                    + "X-Shopify-Shop-Domain : " + shop + "\r\nX-Shopify-Webhook-Id: raw-" + i
                    + "\r\nContent-Length: " + valid.length + "\r\nConnection: close\r\n\r\n" + body;
        };
    }

    int webhook(byte[] body, String signature, String shopDomain, String webhookId) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/webhooks/shopify"))
                .header("Content-Type", "application/json").header("X-Shopify-Topic", "orders/create")
                .header("X-Shopify-Webhook-Id", webhookId).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header("X-Shopify-Hmac-Sha256", signature);
        }
        if (shopDomain.chars().allMatch(ch -> ch >= 0x21 && ch < 0x7f)) {
            request.header("X-Shopify-Shop-Domain", shopDomain);
        } else if (!shopDomain.isBlank()) {
            // A value a client library refuses (blank, spaces, non-ASCII) goes out without the header: still invalid.
            request.header("X-Shopify-Shop-Domain", shopDomain.replaceAll("[^\\x21-\\x7e]", "_"));
        }
        return send(request);
    }

    int booking(String body, String authorization) throws IOException, InterruptedException {
        return booking("/v1/instant-bookings", body, authorization, null);
    }

    int booking(String path, String body, String authorization, String idempotencyKey)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request);
    }

    int send(HttpRequest.Builder request) throws IOException, InterruptedException {
        try {
            return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            // The server may answer 413 and close before the whole body is written.
            return e.getMessage() != null && e.getMessage().contains("413") ? 413 : rethrow(e);
        }
    }

    private static int rethrow(IOException e) throws IOException {
        throw e;
    }

    /** Writes the bytes as they are and reads the status line. */
    int raw(byte[]... request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            try {
                for (byte[] part : request) {
                    out.write(part);
                }
                out.flush();
            } catch (IOException closedEarly) {
                // The server may reject the head and close before reading the rest; its answer is still there.
            }
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            if (!status.startsWith("HTTP/1.1 ")) {
                throw new IOException("no HTTP status line, got '" + status + "'");
            }
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static JsonNode json(byte[] body) {
        try {
            return EventJson.mapper().readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return EventJson.mapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
