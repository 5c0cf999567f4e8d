package io.customerflow.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Which of ingest's bounds refused a step's webhooks, and where its adaptive admission limit went, read from its
 * Prometheus page: the counters before and after, the limit's gauge every {@link #EVERY}.
 */
final class IngestShedding implements AutoCloseable {

    static final Duration EVERY = Duration.ofMillis(500);

    /** Refusals at admission and at the publish bound, and the lowest and last admission limit seen. */
    record During(double admission, double publish, double lowestLimit, double lastLimit) {

        String refusedBy() {
            return String.format(Locale.ROOT, "%.0f / %.0f", admission, publish);
        }

        /** The lifted ingest's limit is its huge maximum: not a figure. */
        String limits() {
            return lowestLimit > 100_000 || Double.isNaN(lowestLimit) ? "–"
                    : String.format(Locale.ROOT, "%.0f, %.0f", lowestLimit, lastLimit);
        }
    }

    private final int port;
    private final double admissionBefore;
    private final double publishBefore;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private volatile double lowest = Double.NaN;

    private IngestShedding(int port) throws Exception {
        this.port = port;
        String page = Memory.metrics(port);
        this.admissionBefore = value(page, "ingest_requests_shed_total");
        this.publishBefore = value(page, "ingest_publish_shed_total");
        sampler.scheduleWithFixedDelay(this::sample, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    static IngestShedding watch(int port) throws Exception {
        return new IngestShedding(port);
    }

    private void sample() {
        try {
            double limit = value(Memory.metrics(port), "ingest_admission_limit");
            lowest = Double.isNaN(lowest) ? limit : Math.min(lowest, limit);
        } catch (Exception e) {
            // An overloaded ingest may not answer in time; the next sample or the last read says where it went.
        }
    }

    /** Per second of the step, as the bench's other figures. */
    During during() throws Exception {
        sampler.shutdownNow();
        String page = Memory.metrics(port);
        double seconds = OverloadBench.STEP.toSeconds();
        double last = value(page, "ingest_admission_limit");
        return new During((value(page, "ingest_requests_shed_total") - admissionBefore) / seconds,
                (value(page, "ingest_publish_shed_total") - publishBefore) / seconds,
                Double.isNaN(lowest) ? last : Math.min(lowest, last), last);
    }

    /** A metric's value without labels, 0 when it is not there yet (a counter never incremented). */
    static double value(String page, String name) {
        return page.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
