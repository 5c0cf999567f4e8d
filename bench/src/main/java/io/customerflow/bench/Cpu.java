package io.customerflow.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds (user + system) used by processes, from /proc (Linux): the services by pid, and the Kafka broker and
 * PostgreSQL by command line (PostgreSQL runs one process per connection, summed).
 */
final class Cpu {

    private static final double TICKS = 100.0; // USER_HZ on Linux

    private Cpu() {
    }

    /** CPU seconds so far of each service, the broker and PostgreSQL. */
    static Map<String, Double> now(Map<String, Long> services) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        services.forEach((name, pid) -> seconds.put(name, of(pid)));
        double kafka = 0;
        double postgres = 0;
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            String command = p.info().commandLine().orElse("");
            if (command.contains("kafka.Kafka") || command.contains("KafkaRaftServer")
                    || command.contains("kafka-runtime")) {
                kafka += of(p.pid());
            } else if (command.startsWith("postgres") || command.contains("/bin/postgres")) {
                postgres += of(p.pid());
            }
        }
        seconds.put("Kafka broker", kafka);
        seconds.put("PostgreSQL", postgres);
        seconds.put("bench (load client + SaaS stand-in)", of(ProcessHandle.current().pid()));
        return seconds;
    }

    /** What each process used between two readings. */
    static Map<String, Double> since(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> used = new LinkedHashMap<>();
        after.forEach((name, s) -> used.put(name, s - before.getOrDefault(name, 0.0)));
        return used;
    }

    static double of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state(0) ... utime(11) stime(12)
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
        } catch (Exception e) {
            return 0;
        }
    }
}
