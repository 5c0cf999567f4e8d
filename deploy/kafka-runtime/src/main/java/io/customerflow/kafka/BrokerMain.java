package io.customerflow.kafka;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry point of the broker JVM: {@code BrokerMain <parent pid> <server.properties> <cluster id>}.
 *
 * <p>Formats the log directory on first use, then runs {@code kafka.Kafka}. A watcher thread halts this JVM
 * as soon as the parent process ends, so a killed test run or launcher never leaves an orphan broker.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: BrokerMain <parent pid> <server.properties> <cluster id>");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        String properties = args[1];
        String clusterId = args[2];

        watchParent(parentPid);
        formatIfNeeded(properties, clusterId);
        invokeMain("kafka.Kafka", new String[] { properties });
    }

    private static void watchParent(long parentPid) {
        ProcessHandle.of(parentPid).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(0)),
                () -> Runtime.getRuntime().halt(0));
    }

    private static void formatIfNeeded(String properties, String clusterId) throws Exception {
        java.util.Properties config = new java.util.Properties();
        try (var in = Files.newInputStream(Path.of(properties))) {
            config.load(in);
        }
        Path logDir = Path.of(config.getProperty("log.dirs"));
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        // StorageTool.main calls System.exit; execute(args, out) is the same work without it.
        Class<?> tool = Class.forName("kafka.tools.StorageTool");
        Method execute = tool.getMethod("execute", String[].class, java.io.PrintStream.class);
        Object exit = execute.invoke(null, new String[] { "format", "--cluster-id=" + clusterId, "--config=" + properties,
                "--ignore-formatted" },
                System.out);
        if (exit instanceof Integer code && code != 0) {
            throw new IllegalStateException("kafka storage format failed with exit code " + code);
        }
    }

    private static void invokeMain(String className, String[] args) throws Exception {
        Class.forName(className).getMethod("main", String[].class).invoke(null, (Object) args);
    }
}
