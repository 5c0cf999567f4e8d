package io.customerflow.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** File-system chores of the local run and the tests. */
public final class Dirs {

    private Dirs() {
    }

    /** Deletes a file or a directory with everything in it; what can't be deleted stays (a temp leftover is harmless). */
    public static void deleteQuietly(Path path) {
        try (var files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // nothing there, or already gone
        }
    }
}
