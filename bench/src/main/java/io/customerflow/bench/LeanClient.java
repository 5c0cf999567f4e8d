package io.customerflow.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load client that costs next to nothing per request, so that what it measures is the server: each sender keeps one
 * HTTP/1.1 connection (as Shopify delivers webhooks) and writes requests prepared and signed before the clock
 * starts, reading back only the status line and the headers' {@code Content-Length}. No HTTP library, no signing, no
 * JSON on the clock. Used by {@link IngestBench} beside the JDK client the other phases use.
 */
final class LeanClient {

    private LeanClient() {
    }

    /** A request as bytes on the wire, ready to send. */
    static byte[] post(int port, String path, List<String> headers, byte[] body) {
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port).append("\r\nContent-Length: ").append(body.length).append("\r\n");
        headers.forEach(h -> head.append(h).append("\r\n"));
        byte[] h = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[h.length + body.length];
        System.arraycopy(h, 0, request, 0, h.length);
        System.arraycopy(body, 0, request, h.length, body.length);
        return request;
    }

    static byte[] get(int port, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * {@code concurrency} senders, each on its own connection, sending {@code requests} in turn (each once) until
     * they run out or {@code duration} ends. {@code requests} of length 1 is sent again and again.
     */
    static LoadClient.Result closedLoop(int port, int concurrency, Duration duration, byte[][] requests, int okStatus)
            throws Exception {
        Stats latency = new Stats();
        Stats answers = new Stats();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        long[] last = new long[1];
        for (int w = 0; w < concurrency; w++) {
            workers.submit(() -> {
                Socket socket = null;
                InputStream in = null;
                byte[] buffer = new byte[8192];
                while (System.nanoTime() < end) {
                    int n = requests.length == 1 ? 0 : next.getAndIncrement();
                    if (n >= requests.length) {
                        break;
                    }
                    long sent = System.nanoTime();
                    try {
                        if (socket == null) {
                            socket = new Socket("127.0.0.1", port);
                            socket.setTcpNoDelay(true);
                            in = new BufferedInputStream(socket.getInputStream(), 16384);
                        }
                        OutputStream out = socket.getOutputStream();
                        out.write(requests[n]);
                        out.flush();
                        int status = readResponse(in, buffer);
                        long took = (System.nanoTime() - sent) / 1000;
                        answers.add(took);
                        if (status == okStatus) {
                            latency.add(took);
                            ok.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        close(socket);
                        socket = null;
                    }
                    synchronized (last) {
                        last[0] = Math.max(last[0], System.nanoTime());
                    }
                }
                close(socket);
                return null;
            });
        }
        workers.shutdown();
        workers.awaitTermination(duration.toSeconds() + 30, TimeUnit.SECONDS);
        // Until the last answer: a run that used up its prepared requests before the clock ended counts its own time.
        double seconds = (Math.max(last[0], start + 1) - start) / 1e9;
        return new LoadClient.Result(concurrency, seconds, ok.get(), errors.get(), latency, answers);
    }

    /**
     * Open loop: request {@code i} of {@code requests} is due at {@code start + i / perSecond}, whatever the answers,
     * for {@code duration}. One thread keeps the schedule and hands each request, when due, to a sender; a sender
     * takes the connection used last that is free, or opens one (so there are as many HTTP/1.1 connections as
     * requests in flight, as with a pooling client). A latency counts from when its request was due: a late hand-over,
     * a new connection and the server's queue all count. Nothing is built or signed on the clock.
     */
    static LoadClient.Result openLoop(int port, int perSecond, Duration duration, byte[][] requests, int okStatus)
            throws Exception {
        Stats latency = new Stats();
        Stats answers = new Stats();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        java.util.concurrent.ConcurrentLinkedDeque<Connection> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();
        long total = Math.min(requests.length, perSecond * duration.toSeconds());
        long intervalNanos = 1_000_000_000L / perSecond;
        ExecutorService senders = Executors.newCachedThreadPool();
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            byte[] request = requests[(int) i];
            senders.execute(() -> {
                Connection connection = idle.pollFirst();
                try {
                    if (connection == null) {
                        connection = Connection.open(port);
                    }
                    int status = connection.exchange(request);
                    long took = (System.nanoTime() - due) / 1000;
                    answers.add(took);
                    if (status == okStatus) {
                        latency.add(took);
                        ok.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                    idle.offerFirst(connection);
                } catch (IOException e) {
                    answers.add((System.nanoTime() - due) / 1000);
                    errors.incrementAndGet();
                    if (connection != null) {
                        close(connection.socket());
                    }
                }
            });
        }
        senders.shutdown();
        if (!senders.awaitTermination(duration.toSeconds() + 120, TimeUnit.SECONDS)) {
            senders.shutdownNow();
        }
        idle.forEach(c -> close(c.socket()));
        return new LoadClient.Result(0, duration.toSeconds(), ok.get(), errors.get(), latency, answers);
    }

    /** One HTTP/1.1 connection of {@link #openLoop}, used by one sender at a time. */
    private record Connection(Socket socket, InputStream in, byte[] buffer) {

        static Connection open(int port) throws IOException {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            return new Connection(socket, new BufferedInputStream(socket.getInputStream(), 16384), new byte[8192]);
        }

        int exchange(byte[] request) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return readResponse(in, buffer);
        }
    }

    /** Reads one response (status line, headers, a Content-Length or chunked body); answers its status. */
    private static int readResponse(InputStream in, byte[] buffer) throws IOException {
        String head = readUntilBlankLine(in);
        int status = Integer.parseInt(head.substring(9, 12));
        int length = 0;
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            } else if (line.regionMatches(true, 0, "transfer-encoding:", 0, 18) && line.contains("chunked")) {
                chunked = true;
            }
        }
        if (!chunked) {
            skip(in, buffer, length);
            return status;
        }
        while (true) {
            int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
            if (size == 0) {
                readUntilBlankLine(in); // trailers, if any, and the final CRLF
                return status;
            }
            skip(in, buffer, size + 2); // the chunk and its CRLF
        }
    }

    private static String readUntilBlankLine(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            text.append(line).append("\r\n");
        }
        return text.toString();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static void skip(InputStream in, byte[] buffer, int length) throws IOException {
        while (length > 0) {
            int read = in.read(buffer, 0, Math.min(buffer.length, length));
            if (read < 0) {
                throw new IOException("connection closed");
            }
            length -= read;
        }
    }

    private static void close(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
