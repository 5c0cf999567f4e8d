package io.customerflow.infra;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.events.EventJson;

/**
 * Reads what the demo caused, through the same doors an operator has: the store's query API and the stand-in's
 * request journal (what Shopify Admin and Klaviyo were sent), and prints it as one table, a row per case.
 */
final class DemoObserver {

    private final Demo.Targets targets;
    private final HttpClient http;

    DemoObserver(Demo.Targets targets, HttpClient http) {
        this.targets = targets;
        this.http = http;
    }

    /** Polls until every case shows what it should (or patience runs out), then prints the table. */
    void awaitAndShow(List<DemoCase> cases, Duration patience, PrintStream out) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        boolean settled = false;
        while (!settled) {
            observe(cases);
            settled = cases.stream().allMatch(DemoCase::asExpected);
            if (!settled && System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(settled ? 0 : 500);
        }
        if (settled) {
            Thread.sleep(2000); // a double would arrive late: look once more before calling it exactly once
            observe(cases);
        }
        print(cases, out);
    }

    private void observe(List<DemoCase> cases) throws Exception {
        List<JsonNode> journal = new ArrayList<>();
        get(targets.standIn() + "/__admin/requests?limit=5000", null).path("requests")
                .forEach(r -> journal.add(r.path("request")));
        journal.sort(Comparator.comparingLong(r -> r.path("loggedDate").asLong()));
        for (DemoCase c : cases) {
            c.observed(stored(c), shopifyMutations(c, journal), klaviyoMetrics(c, journal));
        }
    }

    private String stored(DemoCase c) throws Exception {
        JsonNode page = get(targets.store() + "/v1/customers?shop=" + c.shop() + "&email="
                + java.net.URLEncoder.encode(c.email(), java.nio.charset.StandardCharsets.UTF_8),
                LocalDemo.STORE_TOKEN);
        for (JsonNode customer : page.path("items")) {
            return customer.path("firstName").asText() + " " + customer.path("lastName").asText() + ": "
                    + customer.path("checkoutBookings").asInt() + " checkout, "
                    + customer.path("instantBookings").asInt() + " instant";
        }
        return "";
    }

    private static List<String> shopifyMutations(DemoCase c, List<JsonNode> journal) throws IOException {
        List<String> mutations = new ArrayList<>();
        if (c.shopifyCustomerId() == null) {
            return mutations;
        }
        String gid = "gid://shopify/Customer/" + c.shopifyCustomerId();
        for (JsonNode request : journal) {
            String body = request.path("body").asText();
            if (request.path("url").asText().startsWith("/shopify/" + c.shop() + "/") && body.contains(gid)) {
                String query = EventJson.mapper().readTree(body).path("query").asText();
                mutations.add(query.replaceFirst("^\\s*mutation\\s+", "").split("[(\\s{]")[0]);
            }
        }
        return mutations;
    }

    private static List<String> klaviyoMetrics(DemoCase c, List<JsonNode> journal) throws IOException {
        List<String> metrics = new ArrayList<>();
        for (JsonNode request : journal) {
            String url = request.path("url").asText();
            if (!url.startsWith("/klaviyo/api/event")) {
                continue;
            }
            JsonNode attributes = EventJson.mapper().readTree(request.path("body").asText()).path("data").path("attributes");
            if (url.startsWith("/klaviyo/api/events")) {
                addIfFor(c, attributes, attributes.path("metric"), metrics);
            } else { // a bulk create job: one entry per profile, each with its events
                for (JsonNode entry : attributes.path("events-bulk-create").path("data")) {
                    for (JsonNode event : entry.path("attributes").path("events").path("data")) {
                        addIfFor(c, entry.path("attributes"), event.path("attributes").path("metric"), metrics);
                    }
                }
            }
        }
        return metrics;
    }

    private static void addIfFor(DemoCase c, JsonNode withProfile, JsonNode metric, List<String> metrics) {
        if (c.email().equals(withProfile.path("profile").path("data").path("attributes").path("email").asText())) {
            metrics.add(metric.path("data").path("attributes").path("name").asText());
        }
    }

    private static void print(List<DemoCase> cases, PrintStream out) {
        String row = "%-3s %-26s %-30s %-22s %s%n";
        out.println();
        out.printf(row, "", "ingest answered", "store (name: bookings)", "Shopify Admin", "Klaviyo events");
        int n = 1;
        for (DemoCase c : cases) {
            out.printf("%d. %s%n", n++, c.label());
            out.printf(row, c.asExpected() ? " ok" : " !!", String.join(", ", c.answers()),
                    c.stored().isEmpty() ? "-" : c.stored(), orDash(c.shopifyMutations()), orDash(c.klaviyoMetrics()));
            if (!c.asExpected()) {
                out.printf("    expected: store %s, Shopify %s, Klaviyo %s%n", c.expected().stored() ? "a customer" : "none",
                        orDash(c.expected().shopifyMutations()), orDash(c.expected().klaviyoMetrics()));
            }
        }
        long odd = cases.stream().filter(c -> !c.asExpected()).count();
        out.println();
        out.println(odd == 0 ? "[demo] every case as expected: each booking once in every sink, the forged one rejected"
                : "[demo] " + odd + " case(s) not as expected (marked !!): see the logs in .customer-flow/logs");
    }

    private static String orDash(List<String> values) {
        return values.isEmpty() ? "-" : String.join(", ", values);
    }

    private JsonNode get(String url, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return EventJson.mapper().readTree(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
    }
}
