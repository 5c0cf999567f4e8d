package io.customerflow.infra;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A lean loopback Klaviyo that enforces the published per-account limits of the three endpoints the service calls,
 * as sliding windows per API key (burst per second, steady per minute): a request over either is answered 429 with
 * {@code Retry-After} and counted. It keeps counts, not bodies: requests per key and endpoint with their arrival
 * times, and every {@code unique_id} it accepted (how often), so a test or the bench can tell lost, doubled and
 * over-limit work apart without the journal of a recording stand-in.
 */
public final class KlaviyoStandIn implements AutoCloseable {

    /** Endpoint path → {burst per second, steady per minute}, as Klaviyo publishes them. */
    public static final Map<String, int[]> LIMITS = Map.of(
            "/api/events", new int[] { 350, 3500 },
            "/api/event-bulk-create-jobs", new int[] { 10, 150 },
            "/api/data-privacy-deletion-jobs", new int[] { 3, 60 },
            "/api/accounts", new int[] { 1, 15 });
    private static final long SECOND = 1_000_000_000L;
    private static final Pattern UNIQUE_ID = Pattern.compile("\"unique_id\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpServer server;
    private final Map<String, Deque<Long>> windows = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> accepted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> uniqueIds = new ConcurrentHashMap<>();
    private final AtomicInteger overLimit = new AtomicInteger();
    /** Keys Klaviyo no longer knows: {@code GET /api/accounts} and every other call answer 401. */
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    /** Where the endpoint paths start (a shared server mounts this stand-in under a prefix). */
    private final String prefix;
    /** Null: requests are recorded here (times, unique_ids); else handed to it and nothing is kept. */
    private final java.util.function.BiConsumer<String, String> observer;

    public KlaviyoStandIn(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.setExecutor(Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "klaviyo-stand-in");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        prefix = "";
        observer = null;
    }

    /** Mounted under {@code prefix} on a server of someone else's; accepted requests go to {@code observer}. */
    KlaviyoStandIn(HttpServer shared, String prefix, java.util.function.BiConsumer<String, String> observer) {
        server = shared;
        server.createContext(prefix + "/", this::handle);
        this.prefix = prefix;
        this.observer = observer;
    }

    public KlaviyoStandIn start() {
        server.start();
        return this;
    }

    /** What {@code klaviyo.base-url} takes. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on the key is refused (401), as Klaviyo refuses a key its owner revoked. */
    public KlaviyoStandIn revoke(String apiKey) {
        revoked.add("Klaviyo-API-Key " + apiKey);
        return this;
    }

    /** Requests answered 429 because they were over a limit. */
    public int overLimit() {
        return overLimit.get();
    }

    /** Arrival times (System.nanoTime) of the accepted requests of one key to one endpoint path. */
    public List<Long> accepted(String apiKey, String path) {
        List<Long> times = accepted.get("Klaviyo-API-Key " + apiKey + " " + path);
        return times == null ? List.of() : List.copyOf(times);
    }

    /** Every unique_id accepted at least once. */
    public Set<String> uniqueIds() {
        return Set.copyOf(uniqueIds.keySet());
    }

    /** unique_ids accepted more than once (Klaviyo would record them once). */
    public int repeatedUniqueIds() {
        return (int) uniqueIds.values().stream().filter(n -> n.get() > 1).count();
    }

    /**
     * The most requests a sender could have had accepted by one key's endpoint within {@code nanos} of its first
     * request: a greedy sender that starts whenever both windows allow (bursts until the minute is full, then waits
     * for it to slide).
     */
    public static long allowedWithin(String path, long nanos) {
        int[] limit = LIMITS.get(path);
        Deque<Long> minute = new ArrayDeque<>();
        Deque<Long> second = new ArrayDeque<>();
        long count = 0;
        for (long t = 0; t <= nanos; t += SECOND / 1000) {
            while (!minute.isEmpty() && t - minute.peekFirst() >= 60 * SECOND) {
                minute.pollFirst();
            }
            while (!second.isEmpty() && t - second.peekFirst() >= SECOND) {
                second.pollFirst();
            }
            while (minute.size() < limit[1] && second.size() < limit[0]) {
                minute.addLast(t);
                second.addLast(t);
                count++;
            }
        }
        return count;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath().substring(prefix.length());
            int[] limit = LIMITS.get(path);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            boolean accounts = path.equals("/api/accounts");
            if (limit == null || !(accounts ? "GET" : "POST").equals(exchange.getRequestMethod()) || auth == null) {
                send(exchange, 404, "{\"errors\": [{\"title\": \"Not found\"}]}");
                return;
            }
            if (revoked.contains(auth)) {
                send(exchange, 401, "{\"errors\": [{\"status\": 401, \"code\": \"not_authenticated\", \"title\":"
                        + " \"Authentication credentials were not provided.\"}]}");
                return;
            }
            String key = auth + " " + path;
            long now = System.nanoTime();
            Deque<Long> times = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
            synchronized (times) {
                while (!times.isEmpty() && now - times.peekFirst() >= 60 * SECOND) {
                    times.pollFirst();
                }
                long lastSecond = times.stream().filter(t -> now - t < SECOND).count();
                if (lastSecond >= limit[0] || times.size() >= limit[1]) {
                    overLimit.incrementAndGet();
                    exchange.getResponseHeaders().add("Retry-After", "1");
                    send(exchange, 429, "{\"errors\": [{\"id\": \"x\", \"code\": \"throttled\", \"title\":"
                            + " \"Request was throttled.\", \"detail\": \"Request was throttled.\"}]}");
                    return;
                }
                times.addLast(now);
            }
            if (accounts) {
                send(exchange, 200, "{\"data\": [{\"type\": \"account\", \"id\": \"StandIn\"}]}");
                return;
            }
            if (observer != null) {
                observer.accept(path, body);
            } else {
                accepted.computeIfAbsent(key, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(now);
                Matcher m = UNIQUE_ID.matcher(body);
                while (m.find()) {
                    uniqueIds.computeIfAbsent(m.group(1), id -> new AtomicInteger()).incrementAndGet();
                }
            }
            send(exchange, 202, "");
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.api+json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
