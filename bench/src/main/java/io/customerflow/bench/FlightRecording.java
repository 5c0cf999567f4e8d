package io.customerflow.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * With {@code BENCH_JFR} set (a directory), a service is recorded by Java Flight Recorder while a measured step runs
 * ({@code jcmd JFR.start settings=profile}), written there as {@code <name>.jfr}: where its CPU went. Unset, the step
 * just runs.
 */
final class FlightRecording {

    private FlightRecording() {
    }

    static <T> T around(long pid, String name, Callable<T> step) throws Exception {
        String dir = System.getenv("BENCH_JFR");
        if (dir == null || dir.isBlank()) {
            return step.call();
        }
        String process = Long.toString(pid);
        jcmd(process, "JFR.start", "name=" + name, "settings=profile");
        try {
            return step.call();
        } finally {
            Path file = Path.of(dir).toAbsolutePath().resolve(name + ".jfr");
            jcmd(process, "JFR.dump", "name=" + name, "filename=" + file);
            jcmd(process, "JFR.stop", "name=" + name);
            System.out.println("[bench] flight recording: " + file);
        }
    }

    private static void jcmd(String pid, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                pid));
        args.addAll(List.of(command));
        new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                .waitFor();
    }
}
