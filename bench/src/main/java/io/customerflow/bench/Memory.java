package io.customerflow.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Resident set size of a process, from /proc (Linux); a service's heap after a full GC, from its own gauges. */
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

    /** Runs a full GC in the process ({@code jcmd GC.run}), then reads the heap in use from its Micrometer gauges. */
    static long heapMbAfterGc(long pid, int port) throws Exception {
        new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        return (long) (metrics(port).lines().filter(l -> l.startsWith("jvm_memory_used_bytes{")
                && l.contains("area=\"heap\"")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum() / (1024 * 1024));
    }

    /** The service's Prometheus page. */
    static String metrics(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
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
