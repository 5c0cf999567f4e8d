package io.customerflow.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback port helpers. */
public final class FreePorts {

    private FreePorts() {
    }

    /** Every port {@link #find} handed out in this JVM: a stack picks its ports before any of them is bound. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free on 127.0.0.1 right now (the OS picks it), and never one this JVM was given before: the OS may offer
     * a port again while whoever got it has not bound it yet (a stack's services start one after another, the broker
     * picks its controller port after them), and the second to bind it would not start.
     */
    public static int find() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
        throw new IllegalStateException("no loopback port that was not handed out already");
    }

    /**
     * Whether something accepts connections on 127.0.0.1:port. A connection whose own port is the one asked about is
     * TCP's simultaneous open with itself (Linux may pick a free port in the ephemeral range as the source of a
     * connection to that very port): nothing answered, the port is free.
     */
    public static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return socket.getLocalPort() != port;
        } catch (IOException e) {
            return false;
        }
    }
}
