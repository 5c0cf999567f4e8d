package io.customerflow.bench;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
