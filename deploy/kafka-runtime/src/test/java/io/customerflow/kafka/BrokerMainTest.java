package io.customerflow.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker JVM as local-infra starts it: formats its storage, serves, and never outlives its parent. */
class BrokerMainTest {

    private static final String CLUSTER_ID = "MkU3OEVBNTcwNTJENDM2Qg";

    @TempDir
    Path dir;

    @Test
    void refusesToStartWithoutItsArguments() throws Exception {
        Process broker = java().start();
        assertTrue(broker.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, broker.exitValue());
        assertTrue(new String(broker.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).contains("usage"));
    }

    @Test
    void servesOnItsPortAndHaltsWhenTheProcessThatStartedItEnds() throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        Path properties = dir.resolve("server.properties");
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller", "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port, "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"), "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1", "share.coordinator.state.topic.min.isr=1", ""));
        Process parent = new ProcessBuilder("sleep", "300").start();
        Process broker = java(Long.toString(parent.pid()), properties.toString(), CLUSTER_ID)
                .redirectErrorStream(true).redirectOutput(dir.resolve("broker.log").toFile()).start();
        try {
            assertTrue(answersWithin(port, 60), "the broker never listened; see its log:\n" + log());
            assertTrue(Files.exists(dir.resolve("data").resolve("meta.properties")), "storage formatted");

            parent.destroyForcibly();
            assertTrue(broker.waitFor(20, TimeUnit.SECONDS), "the broker outlived its parent");
            assertFalse(answersWithin(port, 1));
        } finally {
            broker.destroyForcibly();
            parent.destroyForcibly();
        }
    }

    private static ProcessBuilder java(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), BrokerMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private String log() throws IOException {
        return Files.exists(dir.resolve("broker.log")) ? Files.readString(dir.resolve("broker.log")) : "(none)";
    }

    private static boolean answersWithin(int port, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        do {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        } while (System.nanoTime() < deadline);
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
