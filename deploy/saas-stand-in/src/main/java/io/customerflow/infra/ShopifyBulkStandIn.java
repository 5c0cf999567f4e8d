package io.customerflow.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * Bulk query operations of the Shopify stand-in, as Shopify documents them: {@code bulkOperationRunQuery} snapshots
 * the orders its query selects and is refused ({@code OPERATION_IN_PROGRESS}) while another of the shop runs;
 * {@code node(id:)} reports it {@code CREATED}, then {@code COMPLETED} after the preparation time with
 * {@code rootObjectCount} and a result address; the result is JSONL, one line per order and one per line item with
 * {@code __parentId}, each line item right after its order when the query asked {@code groupObjects: true} and all
 * after the orders otherwise (Shopify's default since 2026-01). The address answers {@code Range} requests, expires on
 * demand, and counts a request that carries a Shopify token (the storage needs none: a leak).
 */
public final class ShopifyBulkStandIn {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern RESULT = Pattern.compile("/bulk-results/([0-9a-f-]{36})\\.jsonl$");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
    private static final Set<String> RUNNING = Set.of("CREATED", "RUNNING");

    /** One operation: its shop, the orders it selected, how it ends. */
    private static final class Op {
        final String id;
        final String shop;
        final List<ObjectNode> orders;
        final boolean grouped;
        volatile long readyAt;
        final String key = UUID.randomUUID().toString();
        final String endsAs;
        volatile boolean expired;

        Op(String id, String shop, List<ObjectNode> orders, boolean grouped, long readyAt, String endsAs) {
            this.id = id;
            this.shop = shop;
            this.orders = orders;
            this.grouped = grouped;
            this.readyAt = readyAt;
            this.endsAs = endsAs;
        }

        String status() {
            return System.nanoTime() < readyAt ? "RUNNING" : endsAs;
        }
    }

    private final Supplier<String> baseUrl;
    private final Map<String, Op> ops = new ConcurrentHashMap<>();
    private final Map<String, Op> byKey = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(4_400_000_000L);
    private final Map<String, AtomicInteger> failNext = new ConcurrentHashMap<>();
    private final AtomicLong tokenLeaks = new AtomicLong();
    private final AtomicLong linesServed = new AtomicLong();
    private final AtomicInteger started = new AtomicInteger();
    private volatile Duration preparation = Duration.ofMillis(100);
    private volatile long nanosPerOrder;
    private final Map<String, AtomicInteger> expireNext = new ConcurrentHashMap<>();
    private final AtomicInteger cutAfter = new AtomicInteger();
    private final AtomicLong rangeRequests = new AtomicLong();
    private volatile boolean ignoreGrouping;

    ShopifyBulkStandIn(Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** How long an operation runs before it completes. */
    public ShopifyBulkStandIn preparation(Duration time) {
        this.preparation = time;
        return this;
    }

    /** Results are written at most this many orders a second (0: as fast as the connection takes them). */
    public ShopifyBulkStandIn ordersPerSecond(int rate) {
        this.nanosPerOrder = rate <= 0 ? 0 : 1_000_000_000L / rate;
        return this;
    }

    /** The shop's next {@code n} operations end {@code FAILED} ({@code INTERNAL_SERVER_ERROR}). */
    public void failNext(String shop, int n) {
        failNext.computeIfAbsent(shop, s -> new AtomicInteger()).set(n);
    }

    /** The shop's next {@code n} operations complete with a result address that has already expired. */
    public void expireNext(String shop, int n) {
        expireNext.computeIfAbsent(shop, s -> new AtomicInteger()).set(n);
    }

    /** The next result download breaks off after this many lines (a dropped connection); 0: none does. */
    public void cutNextAfter(int lines) {
        cutAfter.set(lines);
    }

    /** Results ungrouped whatever the query asked (line items after all orders), as Shopify's default is now. */
    public void ignoreGrouping(boolean ignore) {
        this.ignoreGrouping = ignore;
    }

    /** Result requests that asked for a range (a resumed read). */
    public long rangeRequests() {
        return rangeRequests.get();
    }

    /** Every result address of the shop's operations expires now (the storage answers 400). */
    public void expireResults(String shop) {
        ops.values().stream().filter(op -> op.shop.equals(shop)).forEach(op -> op.expired = true);
    }

    /** Operations started so far (every shop). */
    public int started() {
        return started.get();
    }

    /** Lines of results written so far. */
    public long linesServed() {
        return linesServed.get();
    }

    /** Result requests that carried a Shopify access token or an Authorization header. */
    public long tokenLeaks() {
        return tokenLeaks.get();
    }

    /**
     * Starts an operation of the app in the shop as another process would (selecting no orders), running until
     * {@link #complete}; its gid.
     */
    public String startOther(String shop) {
        Duration before = preparation;
        preparation = Duration.ofDays(1);
        try {
            return run(shop, List.of(), "").path("bulkOperation").path("id").asText();
        } finally {
            preparation = before;
        }
    }

    /** The operation completes now. */
    public void complete(String id) {
        ops.get(id).readyAt = System.nanoTime();
    }

    /** {@code bulkOperationRunQuery}: the payload Shopify answers. */
    ObjectNode run(String shop, List<ObjectNode> window, String mutation) {
        ObjectNode result = JSON.createObjectNode();
        synchronized (this) {
            boolean busy = ops.values().stream().anyMatch(op -> op.shop.equals(shop) && RUNNING.contains(op.status()));
            if (busy) {
                result.putNull("bulkOperation");
                result.putArray("userErrors").addObject().put("code", "OPERATION_IN_PROGRESS")
                        .put("message", "A bulk query operation for this app and shop is already in progress.")
                        .putArray("field").add("query");
                return result;
            }
            AtomicInteger failing = failNext.get(shop);
            boolean fails = failing != null && failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            Op op = new Op("gid://shopify/BulkOperation/" + next.incrementAndGet(), shop, List.copyOf(window),
                    mutation.contains("groupObjects: true") && !ignoreGrouping,
                    System.nanoTime() + preparation.toNanos(), fails ? "FAILED" : "COMPLETED");
            AtomicInteger expiring = expireNext.get(shop);
            op.expired = expiring != null && expiring.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            ops.put(op.id, op);
            byKey.put(op.key, op);
            started.incrementAndGet();
            result.putObject("bulkOperation").put("id", op.id).put("status", "CREATED");
        }
        result.putArray("userErrors");
        return result;
    }

    /** {@code node(id:)} of a bulk operation; null for an id of another shop or none. */
    ObjectNode status(String shop, String id) {
        Op op = ops.get(id);
        if (op == null || !op.shop.equals(shop)) {
            return null;
        }
        String status = op.status();
        ObjectNode node = JSON.createObjectNode().put("id", op.id).put("status", status);
        boolean completed = status.equals("COMPLETED");
        if (status.equals("FAILED")) {
            node.put("errorCode", "INTERNAL_SERVER_ERROR");
        } else {
            node.putNull("errorCode");
        }
        long lineItems = op.orders.stream().mapToLong(o -> o.path("lineItems").path("nodes").size()).sum();
        node.put("objectCount", completed ? op.orders.size() + lineItems : 0);
        node.put("rootObjectCount", completed ? op.orders.size() : 0);
        if (completed && !op.orders.isEmpty()) {
            node.put("url", baseUrl.get() + "/bulk-results/" + op.key + ".jsonl");
        } else {
            node.putNull("url");
        }
        return node;
    }

    /** GET of a result address. */
    void serve(HttpExchange exchange, String key) throws IOException {
        if (exchange.getRequestHeaders().containsKey("X-Shopify-Access-Token")
                || exchange.getRequestHeaders().containsKey("Authorization")) {
            tokenLeaks.incrementAndGet();
            reply(exchange, 400, "<Error><Code>InvalidArgument</Code></Error>");
            return;
        }
        Op op = byKey.get(key);
        if (op == null || op.expired) {
            reply(exchange, 400, "<Error><Code>ExpiredToken</Code></Error>");
            return;
        }
        String range = exchange.getRequestHeaders().getFirst("Range");
        Matcher m = range == null ? null : RANGE.matcher(range);
        long from = m != null && m.matches() ? Long.parseLong(m.group(1)) : 0;
        if (from > 0) {
            rangeRequests.incrementAndGet();
        }
        int cut = cutAfter.getAndSet(0);
        exchange.getResponseHeaders().add("Content-Type", "application/jsonl");
        if (cut > 0) {
            cutShort(exchange, op, from, cut);
            return;
        }
        exchange.sendResponseHeaders(from > 0 ? 206 : 200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            write(op, from, out, Long.MAX_VALUE);
        } catch (IOException e) {
            // the reader hung up (a killed ingest): nothing to answer
        }
    }

    /**
     * A dropped connection: the length of the whole rest is announced, part of it sent; closing then ends the
     * connection without the rest, and the reader sees an early end of the body (not a clean end of the file).
     */
    private void cutShort(HttpExchange exchange, Op op, long from, int lines) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        write(op, from, all, Long.MAX_VALUE);
        java.io.ByteArrayOutputStream part = new java.io.ByteArrayOutputStream();
        write(op, from, part, lines);
        byte[] half = all.toByteArray();
        exchange.sendResponseHeaders(from > 0 ? 206 : 200, half.length);
        try {
            exchange.getResponseBody().write(half, 0, Math.min(half.length - 1, part.size() + 20));
            exchange.getResponseBody().flush();
            exchange.getResponseBody().close();
        } catch (IOException e) {
            // "insufficient bytes written": the server closes the connection, as intended
        }
    }

    /** Writes the result from byte {@code from}, at most {@code maxLines} lines. */
    private void write(Op op, long from, OutputStream out, long maxLines) throws IOException {
        long position = 0;
        long written = 0;
        for (int pass = 0; pass < (op.grouped ? 1 : 2); pass++) {
            for (ObjectNode order : op.orders) {
                for (String line : lines(order, op.grouped ? -1 : pass)) {
                    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
                    long end = position + bytes.length;
                    if (end > from) {
                        if (written >= maxLines) {
                            return;
                        }
                        int skip = (int) Math.max(0, from - position);
                        out.write(bytes, skip, bytes.length - skip);
                        written++;
                        if (maxLines == Long.MAX_VALUE) {
                            linesServed.incrementAndGet();
                        }
                    }
                    position = end;
                }
                if (position > from && nanosPerOrder > 0 && maxLines == Long.MAX_VALUE) {
                    out.flush();
                    sleep(nanosPerOrder);
                }
            }
        }
    }

    /** The order's line and its line items' lines; {@code part} 0 the order only, 1 its line items only, -1 both. */
    private static List<String> lines(ObjectNode order, int part) {
        ObjectNode root = order.deepCopy();
        JsonNode items = root.remove("lineItems");
        List<String> lines = new java.util.ArrayList<>();
        if (part <= 0) {
            lines.add(root.toString());
        }
        if (part != 0 && items != null) {
            for (JsonNode item : items.path("nodes")) {
                lines.add(((ObjectNode) item.deepCopy()).put("__parentId", order.path("id").asText()).toString());
            }
        }
        return lines;
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
