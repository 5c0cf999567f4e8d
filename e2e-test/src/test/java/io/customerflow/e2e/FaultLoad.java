package io.customerflow.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.customerflow.events.EventJson;
import io.customerflow.infra.LocalDemo;

/**
 * A mixed load: signed {@code orders/create} booking webhooks, one new customer each (customer id = order id), at
 * about 25/s per sender thread, and after every fifth webhook an instant booking (its own new customer, with an
 * {@code Idempotency-Key}). What was not answered 2xx (503, refused connection) is retried on {@link #stop()} until
 * accepted, as Shopify and a well-behaved API client retry it. Every answer's status is counted.
 */
final class FaultLoad {

    /**
     * What was sent, how many needed a retry, every order id finally answered 200, every instant booking id finally
     * answered 202, and how often each status was answered (-1: ingest could not be reached).
     */
    record Result(int sent, int retried, Set<Long> accepted, Set<String> instantBookings, Map<Integer, Integer> statuses) {

        static Result webhooksOnly(Set<Long> accepted) {
            return new Result(accepted.size(), 0, accepted, Set.of(), Map.of(200, accepted.size()));
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int ingestPort;
    private final String shop;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<Long> accepted = ConcurrentHashMap.newKeySet();
    private final Set<Long> refused = ConcurrentHashMap.newKeySet();
    private final Set<String> instantAccepted = ConcurrentHashMap.newKeySet();
    private final Set<Long> instantRefused = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    private FaultLoad(int ingestPort, String shop) {
        this.ingestPort = ingestPort;
        this.shop = shop;
    }

    /** Sender {@code t} uses order ids from {@code firstId + t × 100,000}. */
    static FaultLoad start(int ingestPort, String shop, long firstId, int senders) {
        FaultLoad load = new FaultLoad(ingestPort, shop);
        for (int t = 0; t < senders; t++) {
            long from = firstId + t * 100_000L;
            Thread thread = new Thread(() -> {
                for (long id = from; load.running.get() && id < from + 5000; id++) {
                    boolean ok = load.webhook(id);
                    if (id % 5 == 0) {
                        ok &= load.instantBooking(id);
                    }
                    sleep(ok ? 40 : 100);
                }
            }, "load-" + t);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    Result stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        // Retried by eight clients at once, as Shopify's delivery and API clients retry side by side.
        long deadline = System.currentTimeMillis() + 60_000;
        List<Callable<Void>> retries = new ArrayList<>();
        for (Long id : refused) {
            retries.add(() -> retryUntil(deadline, "webhook " + id, () -> webhook(id)));
        }
        for (Long id : instantRefused) {
            retries.add(() -> retryUntil(deadline, "instant booking " + id, () -> instantBooking(id)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<Void> retry : pool.invokeAll(retries)) {
                retry.get();
            }
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        int retried = retries.size();
        return new Result(sent.get(), retried, new TreeSet<>(accepted), new TreeSet<>(instantAccepted),
                new TreeMap<>(statuses));
    }

    private static Void retryUntil(long deadline, String what, BooleanSupplier accepted) {
        while (!accepted.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "retry of " + what + " never accepted");
            sleep(500);
        }
        return null;
    }

    private boolean webhook(long id) {
        int status = send(ingestPort, shop, id);
        count(status);
        (status == 200 ? accepted : refused).add(id);
        if (status == 200) {
            refused.remove(id);
        }
        return status == 200;
    }

    private boolean instantBooking(long id) {
        byte[] body = ("{\"shop\": \"" + shop + "\", \"customer\": {\"firstName\": \"Zoë\", \"lastName\": \"Instant\","
                + " \"email\": \"ib" + id + "@faults.example\"}, \"service\": {\"id\": \"svc-60\", \"title\": \"Massage\"},"
                + " \"start\": \"2026-12-05T14:00:00+01:00\", \"durationMinutes\": 60, \"timezone\": \"Europe/Paris\"}")
                .getBytes(StandardCharsets.UTF_8);
        int status;
        String bookingId = null;
        try {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingestPort + "/v1/instant-bookings"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + LocalDemo.API_KEY).header("Idempotency-Key", "fault-ib-" + id)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            if (status == 202) {
                bookingId = EventJson.mapper().readTree(response.body()).path("bookingId").asText();
            }
        } catch (Exception e) {
            status = -1;
        }
        count(status);
        if (bookingId != null) {
            instantAccepted.add(bookingId);
            instantRefused.remove(id);
            return true;
        }
        instantRefused.add(id);
        return false;
    }

    private void count(int status) {
        sent.incrementAndGet();
        statuses.merge(status, 1, Integer::sum);
    }

    /** The webhook of order {@code id}; its status, or -1 when ingest could not be reached. */
    static int send(int ingestPort, String shop, long id) {
        byte[] body = EndToEndTest.order(id, id, "f" + id + "@faults.example", true);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(LocalDemo.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingestPort + "/webhooks/shopify"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("X-Shopify-Hmac-Sha256", Base64.getEncoder().encodeToString(mac.doFinal(body)))
                    .header("X-Shopify-Topic", "orders/create").header("X-Shopify-Shop-Domain", shop)
                    .header("X-Shopify-Webhook-Id", "wh-" + id)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
