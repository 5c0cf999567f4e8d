package io.customerflow.bench;

import java.util.Arrays;

/** Latency samples in microseconds, summarized. */
final class Stats {

    private long[] samples = new long[1024];
    private int size;

    synchronized void add(long micros) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = micros;
    }

    synchronized int count() {
        return size;
    }

    /** The q-quantile (0..1) in milliseconds. */
    synchronized double percentileMs(double q) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int index = (int) Math.min(size - 1, Math.ceil(q * size) - 1);
        return sorted[Math.max(0, index)] / 1000.0;
    }

    double maxMs() {
        return percentileMs(1.0);
    }

    static double median(double... values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
