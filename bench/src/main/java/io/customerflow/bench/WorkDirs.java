package io.customerflow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.customerflow.infra.Dirs;

/**
 * A bench's data (the broker's log, PostgreSQL, the services' files) in a temporary directory that is deleted when the
 * bench ends, stopped or not: a run leaves gigabytes there, and kept runs once filled this box's disk.
 */
final class WorkDirs {

    private WorkDirs() {
    }

    static Path temporary(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Dirs.deleteQuietly(dir), "delete " + dir));
        return dir;
    }
}
