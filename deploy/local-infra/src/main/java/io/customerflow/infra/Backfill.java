package io.customerflow.infra;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code ./customer-flow backfill --shop <shop> --since <date> [--until <date>] [--url <ingest>] [--api-key <key>]}:
 * asks ingest-service for a backfill of the shop's past orders and draws its progress until it ends. The API key
 * comes from {@code --api-key}, else {@code CUSTOMER_FLOW_API_KEY}, else the local run's key (the demo's, or the run's own once connected). Exit code 0 when
 * the backfill is done, 1 when it failed or was refused.
 */
public final class Backfill {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BAR = 30;

    private Backfill() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        String shop = options.get("shop");
        String since = options.get("since");
        if (shop == null || since == null) {
            System.err.println("usage: ./customer-flow backfill --shop <shop>.myshopify.com --since <YYYY-MM-DD>"
                    + " [--until <YYYY-MM-DD>] [--url http://127.0.0.1:8080] [--api-key <key>]");
            System.exit(2);
        }
        String url = options.getOrDefault("url", "http://127.0.0.1:" + LocalDemo.SERVICES.get("ingest-service"));
        String key = options.getOrDefault("api-key", System.getenv().getOrDefault("CUSTOMER_FLOW_API_KEY",
                LocalCredentials.of(java.nio.file.Path.of(LocalStack.DATA)).apiKey()));
        System.exit(run(url, key, shop, since, options.get("until"), System.out));
    }

    /** How long the progress is asked for while ingest does not answer (a restart, a rolling update). */
    private static final java.time.Duration UNREACHABLE = java.time.Duration.ofMinutes(2);

    /** Requests the backfill and prints its progress until it ends; returns the exit code. */
    public static int run(String url, String key, String shop, String since, String until, PrintStream out)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("shop", shop);
        body.put("since", since);
        if (until != null) {
            body.put("until", until);
        }
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/backfills"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            out.println("backfill refused: HTTP " + started.statusCode() + " " + detail(started.body()));
            return 1;
        }
        out.println("backfill of " + shop + " since " + since + (until == null ? "" : " until " + until)
                + " requested");
        boolean tty = System.console() != null;
        JsonNode last = null;
        long unreachableSince = 0;
        while (true) {
            Thread.sleep(1000);
            HttpResponse<String> polled;
            try {
                polled = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/backfills/" + shop))
                        .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
                unreachableSince = 0;
            } catch (java.io.IOException e) {
                // ingest restarting (the backfill goes on from its checkpoint where it stopped): keep asking a while
                if (unreachableSince == 0) {
                    unreachableSince = System.nanoTime();
                    out.println((tty ? "\n" : "") + "ingest does not answer: still asking for "
                            + UNREACHABLE.toSeconds() + " s");
                } else if (System.nanoTime() - unreachableSince > UNREACHABLE.toNanos()) {
                    out.println("ingest did not answer for " + UNREACHABLE.toSeconds() + " s: " + e.getMessage());
                    return 1;
                }
                continue;
            }
            if (polled.statusCode() != 200) {
                out.println("\nprogress unavailable: HTTP " + polled.statusCode() + " " + detail(polled.body()));
                return 1;
            }
            JsonNode p = JSON.readTree(polled.body());
            String status = p.path("status").asText();
            if (tty || last == null || !p.equals(last) || !"running".equals(status)) {
                out.print((tty ? "\r" : "") + line(p) + (tty ? "" : "\n"));
                out.flush();
            }
            last = p;
            if (status.equals("done")) {
                out.println((tty ? "\n" : "") + "done: " + p.path("bookingsFound").asLong() + " bookings in "
                        + p.path("ordersScanned").asLong() + " orders, published as historical events" + readBy(p));
                return 0;
            }
            if (status.equals("failed")) {
                out.println((tty ? "\n" : "") + "failed: " + p.path("problem").asText() + " (see ingest's log)");
                return 1;
            }
        }
    }

    /** {@code [##########..........]  45/90 orders  45 bookings  30.5 orders/s  ETA 2 s  running}. */
    static String line(JsonNode p) {
        long total = p.path("ordersTotal").asLong();
        long scanned = p.path("ordersScanned").asLong();
        int filled = total <= 0 ? 0 : (int) Math.min(BAR, scanned * BAR / total);
        String rate = p.hasNonNull("ordersPerSecond") ? p.get("ordersPerSecond").asText() : "-";
        String eta = p.hasNonNull("etaSeconds") ? p.get("etaSeconds").asText() + " s" : "-";
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] " + scanned + "/" + total + " orders  "
                + p.path("bookingsFound").asLong() + " bookings  " + rate + " orders/s  ETA " + eta + "  "
                + p.path("status").asText() + "   ";
    }

    /** How the orders were read: one bulk operation, or pages (and why, when a bulk read fell back). */
    static String readBy(JsonNode p) {
        if (p.path("readBy").asText().equals("bulk")) {
            return " (read by one bulk operation)";
        }
        return p.hasNonNull("fallback") ? " (read by pages: the bulk read fell back, " + p.get("fallback").asText() + ")"
                : " (read by pages)";
    }

    private static String detail(String body) {
        try {
            return JSON.readTree(body).path("detail").asText(body);
        } catch (Exception e) {
            return body;
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
