package io.customerflow.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A background thread (a Kafka reader of state, a tail) that never dies silently: whatever its body throws, the
 * loop logs it (its type, never its message: a Kafka error may quote a record), counts a restart and runs the body
 * again after an exponential backoff (1 s up to 30 s), until {@link #close()}. While it is down since a failure,
 * {@link #isUp()} is false: each service's readiness reports every loop ({@link #all()}), and the metrics
 * {@code background.up{loop}} and {@code background.restarts{loop}} show it.
 *
 * <p>The body makes its own Kafka clients (a consumer that failed is not reused), closes them when it returns or
 * throws, and calls {@link #up()} once it works (e.g. after a poll).
 */
public final class SupervisedLoop implements AutoCloseable {

    /** What the loop runs: until {@link #running()} is false, or it throws. */
    @FunctionalInterface
    public interface Body {
        void run(SupervisedLoop loop) throws Exception;
    }

    private static final System.Logger LOG = System.getLogger(SupervisedLoop.class.getName());
    private static final Set<SupervisedLoop> ALL = ConcurrentHashMap.newKeySet();
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final String name;
    private final Body body;
    private final Thread thread;
    private final Counter restarts;
    private final MeterRegistry registry;
    private final Gauge upGauge;
    private volatile boolean running = true;
    private volatile boolean up = true;
    private volatile String lastFailure;

    public SupervisedLoop(String name, MeterRegistry registry, Body body) {
        this.name = name;
        this.body = body;
        this.restarts = Counter.builder("background.restarts").description("Restarts of a background loop after a "
                + "failure").tag("loop", name).register(registry);
        this.registry = registry;
        this.upGauge = Gauge.builder("background.up", this, l -> l.up ? 1 : 0).description("1 while the background "
                + "loop works, 0 while it is down after a failure").tag("loop", name).register(registry);
        this.thread = new Thread(this::supervise, name);
        thread.setDaemon(true);
    }

    public SupervisedLoop start() {
        ALL.add(this);
        thread.start();
        return this;
    }

    /** For the body's loop condition. */
    public boolean running() {
        return running;
    }

    /** The body works (again). */
    public void up() {
        up = true;
    }

    public boolean isUp() {
        return up || !running;
    }

    public String name() {
        return name;
    }

    public long restarts() {
        return (long) restarts.count();
    }

    /** The type of the last failure, or null. */
    public String lastFailure() {
        return lastFailure;
    }

    /** Every loop started in this JVM and not closed. */
    public static Collection<SupervisedLoop> all() {
        return List.copyOf(ALL);
    }

    private void supervise() {
        int failures = 0;
        while (running) {
            try {
                body.run(this);
                failures = 0;
            } catch (Exception | Error e) {
                if (!running) {
                    return; // a wakeup or a closed client on the way out
                }
                failures = failed(e, failures);
            }
        }
    }

    private int failed(Throwable e, int failures) {
        up = false;
        lastFailure = e.getClass().getSimpleName();
        restarts.increment();
        int attempt = failures + 1;
        Duration wait = Backoff.exponential(FIRST_BACKOFF, attempt, MAX_BACKOFF);
        LOG.log(System.Logger.Level.WARNING, String.format("%s failed (%s), restarting in %d ms (restart %d)", name,
                lastFailure, wait.toMillis(), restarts()));
        synchronized (this) {
            long until = System.nanoTime() + wait.toNanos();
            while (running && System.nanoTime() < until) {
                try {
                    wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return attempt;
                }
            }
        }
        return attempt;
    }

    /**
     * Stops the loop and waits (up to 5 s) for the body to return: a body polls in short steps and checks
     * {@link #running()} (an interrupt would make a Kafka client's close fail noisily).
     */
    @Override
    public void close() {
        running = false;
        ALL.remove(this);
        registry.remove(upGauge); // a loop of the same name may be started again (e.g. on regaining leadership)
        synchronized (this) {
            notifyAll(); // ends a wait between restarts; a body sees running() false within its next poll
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
