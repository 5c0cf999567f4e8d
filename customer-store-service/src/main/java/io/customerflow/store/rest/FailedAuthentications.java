package io.customerflow.store.rest;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.store.config.StoreConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Failed authentications per client address (bearer tokens of the query API, console sign-ins): past
 * {@code store.api.failures-per-window} in {@code store.api.failure-window}, the address is answered 429 until its
 * oldest failure leaves the window, so tokens can't be guessed at the speed of the network. Per replica and in
 * memory: at most {@value #ADDRESSES} addresses are tracked; a flood of more forgets the quiet ones first.
 */
@ApplicationScoped
public class FailedAuthentications {

    static final int ADDRESSES = 10_000;

    private final int limit;
    private final long windowNanos;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();
    private final Counter refused;

    public FailedAuthentications(StoreConfig config, MeterRegistry registry) {
        this.limit = config.api().failuresPerWindow();
        this.windowNanos = config.api().failureWindow().toNanos();
        this.refused = Counter.builder("store.auth.rate.limited").description("Authentication attempts answered 429 "
                + "after too many failures from one address").register(registry);
    }

    /** How long the address must wait, when it already failed too often; counted. */
    public Optional<Duration> blocked(String address) {
        Deque<Long> times = failures.get(address);
        if (times == null) {
            return Optional.empty();
        }
        synchronized (times) {
            long now = System.nanoTime();
            while (!times.isEmpty() && now - times.peekFirst() > windowNanos) {
                times.pollFirst();
            }
            if (times.size() < limit) {
                return Optional.empty();
            }
            refused.increment();
            long wait = windowNanos - (now - times.peekFirst());
            return Optional.of(Duration.ofNanos(Math.max(wait, 1_000_000_000L)));
        }
    }

    public void failed(String address) {
        if (failures.size() >= ADDRESSES && !failures.containsKey(address)) {
            long now = System.nanoTime();
            failures.values().removeIf(t -> {
                synchronized (t) {
                    return t.isEmpty() || now - t.peekLast() > windowNanos;
                }
            });
            if (failures.size() >= ADDRESSES) {
                failures.clear(); // fail open rather than grow without bound
            }
        }
        Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(System.nanoTime());
            while (times.size() > limit) {
                times.pollFirst();
            }
        }
    }

    /** The 429 answer, with {@code Retry-After} in whole seconds. */
    public static jakarta.ws.rs.core.Response tooMany(Duration wait) {
        jakarta.ws.rs.core.Response r = io.customerflow.problem.Problem.response(
                jakarta.ws.rs.core.Response.Status.TOO_MANY_REQUESTS,
                "too many failed authentications from this address: try again later");
        r.getHeaders().add("Retry-After", Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000)));
        return r;
    }
}
