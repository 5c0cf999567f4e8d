package io.customerflow.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Resident set size of a process, from /proc (Linux). */
final class Memory {

    private Memory() {
    }

    static long rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    /** The highest RSS of each process while sampling runs (every 250 ms), until closed. */
    static Peaks sample(Map<String, Long> pids) {
        return new Peaks(pids);
    }

    static final class Peaks extends ConcurrentHashMap<String, Long> implements AutoCloseable {

        private final transient ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

        private Peaks(Map<String, Long> pids) {
            sampler.scheduleAtFixedRate(() -> pids.forEach((name, pid) -> merge(name, rssMb(pid), Math::max)),
                    0, 250, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            sampler.shutdown();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
