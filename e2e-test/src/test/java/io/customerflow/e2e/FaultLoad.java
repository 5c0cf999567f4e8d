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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.customerflow.infra.LocalDemo;

/**
 * Signed {@code orders/create} booking webhooks, one new customer each (customer id = order id), at about 25/s per
 * sender thread. What was not answered 200 (503, refused connection) is retried on {@link #stop()} until accepted,
 * as Shopify retries it.
 */
final class FaultLoad {

    /** What was sent, how many needed a retry, and every order id finally answered 200. */
    record Result(int sent, int retried, Set<Long> accepted) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int ingestPort;
    private final String shop;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<Long> accepted = ConcurrentHashMap.newKeySet();
    private final Set<Long> refused = ConcurrentHashMap.newKeySet();
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
                    load.sent.incrementAndGet();
                    boolean ok = load.send(id) == 200;
                    (ok ? load.accepted : load.refused).add(id);
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
        int retried = 0;
        for (Long id : refused) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (send(id) != 200) {
                assertTrue(System.currentTimeMillis() < deadline, "retry of " + id + " never accepted");
                sleep(500);
            }
            accepted.add(id);
            retried++;
        }
        return new Result(sent.get(), retried, new TreeSet<>(accepted));
    }

    int send(long id) {
        return send(ingestPort, shop, id);
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
