package io.customerflow.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/** HTTP load: closed loop at a concurrency, or open loop at a fixed rate. Bounded in count and time. */
final class LoadClient {

    /** What one load step measured. */
    /** {@code latency} of the requests answered as expected; {@code answers}: of every request, answered or not. */
    record Result(int concurrency, double seconds, int ok, int errors, Stats latency, Stats answers) {
        double perSecond() {
            return ok / seconds;
        }
    }

    /**
     * HTTP/1.1, as Shopify delivers webhooks: a connection per request in flight. The JDK client's default, HTTP/2,
     * upgrades a cleartext connection (h2c) and multiplexes every sender over that one connection, which the server
     * then serves from a single event loop: the bench measured one core's worth of ingest.
     */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newFixedThreadPool(4, daemon())).build();
    private final boolean pauseAfterRefusal;

    LoadClient() {
        this(false);
    }

    /**
     * {@code pauseAfterRefusal}: a closed-loop sender answered with anything but success waits 100 ms before its next
     * request, as Shopify waits before a retry; one that spun on instant refusals would measure what refusing costs.
     */
    LoadClient(boolean pauseAfterRefusal) {
        this.pauseAfterRefusal = pauseAfterRefusal;
    }


    /** The client's own threads must not keep the bench's JVM alive once its report is written. */
    private static java.util.concurrent.ThreadFactory daemon() {
        return runnable -> {
            Thread thread = new Thread(runnable, "load-client");
            thread.setDaemon(true);
            return thread;
        };
    }

    /** {@code concurrency} workers each sending requests back to back for {@code duration}. */
    Result closedLoop(int concurrency, Duration duration, LongFunction<HttpRequest> request, int okStatus) throws Exception {
        return closedLoop(concurrency, duration, Long.MAX_VALUE, request, okStatus);
    }

    /** As above, stopping after {@code limit} requests (numbered 1..limit). */
    Result closedLoop(int concurrency, Duration duration, long limit, LongFunction<HttpRequest> request, int okStatus)
            throws Exception {
        Stats latency = new Stats();
        Stats answers = new Stats();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong sequence = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        for (int w = 0; w < concurrency; w++) {
            workers.submit(() -> {
                long n;
                while (System.nanoTime() < end && (n = sequence.incrementAndGet()) <= limit) {
                    send(request.apply(n), okStatus, latency, answers, ok, errors);
                }
            });
        }
        workers.shutdown();
        workers.awaitTermination(duration.toSeconds() + 30, TimeUnit.SECONDS);
        return new Result(concurrency, (System.nanoTime() - start) / 1e9, ok.get(), errors.get(), latency, answers);
    }

    /** Requests started at a fixed rate (not waiting for answers) for {@code duration}; returns their latencies. */
    Result openLoop(int perSecond, Duration duration, LongFunction<HttpRequest> request, int okStatus,
            Accepted onAccepted) throws Exception {
        Stats latency = new Stats();
        Stats answers = new Stats();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long total = perSecond * duration.toSeconds();
        long intervalNanos = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        java.util.List<java.util.concurrent.CompletableFuture<?>> inFlight = new java.util.ArrayList<>();
        for (long i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long n = i;
            long sent = System.nanoTime();
            long sentAtMs = System.currentTimeMillis();
            inFlight.add(http.sendAsync(request.apply(i), HttpResponse.BodyHandlers.discarding()).handle((r, f) -> {
                answers.add((System.nanoTime() - sent) / 1000);
                if (f == null && r.statusCode() == okStatus) {
                    latency.add((System.nanoTime() - sent) / 1000);
                    ok.incrementAndGet();
                    onAccepted.accept(n, sentAtMs);
                } else {
                    errors.incrementAndGet();
                }
                return null;
            }));
        }
        java.util.concurrent.CompletableFuture.allOf(inFlight.toArray(new java.util.concurrent.CompletableFuture[0]))
                .get(120, TimeUnit.SECONDS);
        return new Result(0, (System.nanoTime() - start) / 1e9, ok.get(), errors.get(), latency, answers);
    }

    /** Told of each request answered with the expected status, with the wall-clock time it was sent. */
    interface Accepted {
        void accept(long n, long sentAtMs);
    }

    private void send(HttpRequest request, int okStatus, Stats latency, Stats answers, AtomicInteger ok,
            AtomicInteger errors) {
        long sent = System.nanoTime();
        try {
            HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
            answers.add((System.nanoTime() - sent) / 1000);
            if (r.statusCode() == okStatus) {
                latency.add((System.nanoTime() - sent) / 1000);
                ok.incrementAndGet();
                return;
            }
        } catch (Exception e) {
            // counted below
        }
        errors.incrementAndGet();
        if (pauseAfterRefusal) {
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
