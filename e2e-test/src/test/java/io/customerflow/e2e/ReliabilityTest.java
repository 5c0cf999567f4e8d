package io.customerflow.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.customerflow.e2e.FaultLoad.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.customerflow.replay.DeadLetterReplay;
import io.customerflow.infra.LocalDemo;
import io.customerflow.infra.LocalStack;
import io.customerflow.infra.SaasStandIn;

/**
 * The fault scenarios of RELIABILITY.md, one after another on one running system, each under a continuous load of
 * signed booking webhooks: consumers killed, Kafka restarted, PostgreSQL down; ingest stopped and killed with
 * requests in flight; Shopify and Klaviyo failing for a while; permanent errors dead-lettered and replayed. What
 * was not answered 200 is retried, as Shopify retries it. Every accepted booking must then be in every sink exactly
 * once: one store row, one customer tagged, one Klaviyo event per unique_id.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityTest {

    /** PostgreSQL's outage; {@code -Dfaults.database-outage-seconds} changes it. */
    static final Duration DATABASE_OUTAGE = Duration.ofSeconds(Long.getLong("faults.database-outage-seconds", 10));
    /** Shopify's and Klaviyo's outage, a third each of 429s, 500s and timeouts; the full suite runs a minute. */
    /** How long the broker is away in the first scenario; every service's readiness must show it, then recover. */
    static final Duration BROKER_OUTAGE = Duration.ofSeconds(Long.getLong("faults.broker-outage-seconds", 30));
    static final Duration SAAS_OUTAGE = Duration.ofSeconds(Long.getLong("faults.saas-outage-seconds", 15));
    static final String SHOP = "demo-salon.myshopify.com";

    static LocalStack stack;
    static SaasStandIn standIn;
    static LocalDemo.Ports ports;
    static SinkCounts sinks;

    @BeforeAll
    static void startTheSystem() throws Exception {
        ports = LocalDemo.Ports.free();
        stack = LocalStack.in(Path.of("..").toAbsolutePath().normalize(), Files.createTempDirectory("customer-flow-faults-"));
        standIn = stack.start(ports);
        sinks = new SinkCounts(standIn, ports.service("customer-store-service"), stack.broker().bootstrapServers(), SHOP,
                LocalDemo.STORE_TOKEN);
    }

    @AfterAll
    static void stopTheSystem() {
        if (stack != null) {
            stack.close();
        }
    }

    /** One scenario's figures, printed at the end and written to target/reliability.md. */
    record Outcome(String scenario, int sent, int refusedThenRetried, int accepted, int instant, int storeRows,
            int tagged, int klaviyo, long deadLetters, int lost, int doubled, Duration took) {
    }

    static final List<Outcome> OUTCOMES = new ArrayList<>();

    /**
     * The sinks' counts when a scenario begins: each scenario checks its own traffic against them, so one that fails
     * does not fail the ones after it.
     */
    record Baseline(long startedNanos, int rows, int checkout, int instant, long deadLetters) {
        static Baseline now() {
            JsonNode report = sinks.report();
            return new Baseline(System.nanoTime(), sinks.storeRows(), report.path("totals").path("CHECKOUT").asInt(),
                    report.path("totals").path("INSTANT").asInt(), sinks.allDeadLetters());
        }
    }

    @Test
    @Order(1)
    void consumerKillsABrokerRestartAndADatabaseOutage() throws Exception {
        Baseline before = Baseline.now();
        FaultLoad load = FaultLoad.start(ports.service("ingest-service"), SHOP, 20_000_000L, 1);
        sleep(3000);
        // klaviyo first: after a crash its new owner waits out Klaviyo's longest window before sending for the
        // accounts the dead replica paced (docs/KLAVIYO-PACING.md), a wait the faults after it then overlap.
        for (String consumer : new String[] { "klaviyo-service", "tagging-service", "customer-store-service" }) {
            say("kill -9 " + consumer);
            stack.service(consumer).kill();
            sleep(2000);
            startAgain(consumer);
        }
        // Longer than ingest's 3 s publish timeout: requests meanwhile must get 503, never a 2xx.
        say("Kafka broker away for " + BROKER_OUTAGE.toSeconds() + " s");
        long away = System.nanoTime();
        stack.broker().close();
        awaitTrue(BROKER_OUTAGE, () -> LocalDemo.SERVICES.keySet().stream().noneMatch(s -> stack.service(s).ready()));
        say("every service not ready without the broker after " + (System.nanoTime() - away) / 1_000_000 + " ms");
        sleep(Math.max(0, BROKER_OUTAGE.toMillis() - (System.nanoTime() - away) / 1_000_000));
        stack.broker().start();
        long back = System.nanoTime();
        // Every background reader (registry, ledger, reconciler state and orders seen, dead-letter tail, pacing) up.
        awaitTrue(Duration.ofSeconds(90), () -> LocalDemo.SERVICES.keySet().stream()
                .allMatch(s -> stack.service(s).ready() && backgroundLoopsUp(s)));
        say("every service ready, every background loop up, " + (System.nanoTime() - back) / 1_000_000
                + " ms after the broker came back; restarts: " + backgroundRestarts());
        say("PostgreSQL down for " + DATABASE_OUTAGE.toSeconds() + " s");
        stack.postgres().close();
        sleep(DATABASE_OUTAGE.toMillis());
        stack.postgres().start();
        sleep(3000);
        FaultLoad.Result result = load.stop();
        assertTrue(Set.of(200, 202, 503).containsAll(result.statuses().keySet()),
                "ingest answers 2xx, or 503 while Kafka is away: " + result.statuses());
        assertTrue(result.statuses().containsKey(503), "the broker's outage was felt: " + result.statuses());
        assertEveryAcceptedBookingExactlyOnce("kill -9 each consumer, restart Kafka, PostgreSQL down "
                + DATABASE_OUTAGE.toSeconds() + " s", result, before, 0);
    }

    @Test
    @Order(2)
    void ingestRestartedWithRequestsInFlight() throws Exception {
        Baseline before = Baseline.now();
        FaultLoad load = FaultLoad.start(ports.service("ingest-service"), SHOP, 21_000_000L, 4);
        sleep(3000);
        say("ingest stopped (SIGTERM) and restarted under load");
        stack.service("ingest-service").close();
        startAgain("ingest-service");
        sleep(3000);
        say("ingest killed (SIGKILL) and restarted under load");
        stack.service("ingest-service").kill();
        startAgain("ingest-service");
        sleep(3000);
        FaultLoad.Result result = load.stop();
        assertTrue(Set.of(200, 202, 503, -1).containsAll(result.statuses().keySet()),
                "2xx, 503 while stopping, or no connection while down: " + result.statuses());
        assertEveryAcceptedBookingExactlyOnce("ingest stopped and killed with requests in flight", result,
                before, 0);
    }

    @Test
    @Order(3)
    void saasOutageIsRetriedWithinTheLimitsWithoutDeadLetters() throws Exception {
        Baseline before = Baseline.now();
        FaultLoad load = FaultLoad.start(ports.service("ingest-service"), SHOP, 22_000_000L, 1);
        sleep(2000);
        Date outageStart = new Date();
        Duration third = SAAS_OUTAGE.dividedBy(3);
        say("Shopify and Klaviyo answer 429 (Retry-After: 2) for " + third.toSeconds() + " s");
        List<StubMapping> outage = failSaas(aResponse().withStatus(429).withHeader("Retry-After", "2"));
        sleep(third.toMillis());
        say("Shopify and Klaviyo answer 500 for " + third.toSeconds() + " s");
        outage.forEach(standIn.server()::removeStub);
        outage = failSaas(aResponse().withStatus(500));
        sleep(third.toMillis());
        say("Shopify and Klaviyo time out (12 s, then 503) for " + third.toSeconds() + " s");
        outage.forEach(standIn.server()::removeStub);
        outage = failSaas(aResponse().withStatus(503).withFixedDelay(12_000));
        sleep(third.toMillis());
        outage.forEach(standIn.server()::removeStub);
        sleep(3000);
        Outcome outcome = assertEveryAcceptedBookingExactlyOnce("Shopify and Klaviyo failing for "
                + SAAS_OUTAGE.toSeconds() + " s (429, 500, timeouts)", load.stop(), before, 0);
        for (String api : List.of("/shopify/", "/klaviyo/")) {
            Map<Integer, Long> statuses = standIn.server().getAllServeEvents().stream()
                    .filter(e -> e.getRequest().getUrl().startsWith(api) && e.getRequest().getLoggedDate().after(outageStart))
                    .collect(Collectors.groupingBy(e -> e.getResponse().getStatus(), TreeMap::new, Collectors.counting()));
            say(api + " answers since the outage began: " + statuses);
            // While every request slot waits out a backoff, a phase can pass without a new call: any failure counts.
            assertTrue(statuses.keySet().stream().anyMatch(s -> s >= 429), api + " never failed: no outage felt");
        }
        sinks.assertWithinKlaviyosLimits(outageStart);
        say(outcome.scenario() + ": no dead letter, Klaviyo's limits kept");
    }

    @Test
    @Order(4)
    void permanentErrorsAreDeadLetteredThenReplayedOnce() throws Exception {
        Baseline before = Baseline.now();
        long taggingBefore = sinks.deadLetters("tagging");
        long klaviyoBefore = sinks.deadLetters("klaviyo");
        // Ten customers Shopify says do not exist, and whose events Klaviyo refuses: permanent errors.
        List<StubMapping> refusals = List.of(standIn.server().stubFor(post(urlPathMatching("/shopify/.*"))
                .withRequestBody(containing("gid://shopify/Customer/2300000")).atPriority(1)
                .willReturn(okJson("{\"data\": {\"tagsAdd\": {\"node\": null, \"userErrors\": [{\"field\": [\"id\"],"
                        + " \"message\": \"Customer does not exist\"}]}}}"))),
                standIn.server().stubFor(post(urlPathMatching("/klaviyo/api/.*")).withRequestBody(containing("f2300000"))
                        .atPriority(1).willReturn(aResponse().withStatus(400).withHeader("Content-Type",
                                "application/vnd.api+json").withBody("{\"errors\": [{\"id\": \"e1\", \"status\": 400,"
                                + " \"code\": \"invalid\", \"title\": \"Invalid input.\", \"detail\": \"Invalid profile\","
                                + " \"source\": {\"pointer\": \"/data/attributes/profile\"}}]}"))));
        Set<Long> accepted = new TreeSet<>();
        for (long id = 23_000_000L; id < 23_000_050L; id++) {
            assertEquals(200, FaultLoad.send(ports.service("ingest-service"), SHOP, id));
            accepted.add(id);
        }
        awaitTrue(Duration.ofMinutes(2), () -> sinks.deadLetters("tagging") == taggingBefore + 10
                && sinks.deadLetters("klaviyo") == klaviyoBefore + 10);
        awaitTrue(Duration.ofMinutes(1), () -> sinks.tagged(accepted).size() == 40 && sinks.klaviyoUniqueIds(accepted).size() == 40);
        refusals.forEach(standIn.server()::removeStub);
        say("cause fixed; replaying the dead letters");
        String kafka = stack.broker().bootstrapServers();
        assertEquals(10, DeadLetterReplay.replay(kafka, "tagging"));
        assertEquals(10, DeadLetterReplay.replay(kafka, "klaviyo"));
        assertEquals(0, DeadLetterReplay.replay(kafka, "klaviyo"), "a dead letter is replayed once");
        assertEquals(0, DeadLetterReplay.replay(kafka, "tagging"), "a dead letter is replayed once");
        Outcome outcome = assertEveryAcceptedBookingExactlyOnce("permanent errors (Shopify userErrors, Klaviyo 400)"
                + " dead-lettered, then replayed", FaultLoad.Result.webhooksOnly(accepted), before, 20);
        assertEquals(taggingBefore + 10, sinks.deadLetters("tagging"), "replayed events succeeded");
        assertEquals(klaviyoBefore + 10, sinks.deadLetters("klaviyo"));
        say(outcome.scenario() + ": 20 dead letters, each replayed once");
    }

    @Test
    @Order(5)
    void noServiceLoggedPersonalDataOrSecretsThroughoutTheFaults() throws Exception {
        LogScan.assertNoPersonalDataOrSecrets(stack.dataDirectory().resolve("logs"), List.of("Zoë"));
    }

    @AfterAll
    static void writeTheFigures() throws Exception {
        StringBuilder table = new StringBuilder("| scenario | requests sent | not 2xx, retried | checkout accepted |"
                + " instant accepted | store rows | customers tagged | Klaviyo events | dead letters | lost | doubled | took |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Outcome o : OUTCOMES) {
            table.append(String.format("| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d s |%n", o.scenario(),
                    o.sent(), o.refusedThenRetried(), o.accepted(), o.instant(), o.storeRows(), o.tagged(), o.klaviyo(),
                    o.deadLetters(), o.lost(), o.doubled(), o.took().toSeconds()));
        }
        System.out.println(table);
        Files.writeString(Path.of("target/reliability.md"), table);
    }

    static Outcome assertEveryAcceptedBookingExactlyOnce(String scenario, FaultLoad.Result result, Baseline before,
            long expectedDeadLetters) {
        Set<Long> accepted = result.accepted();
        Set<String> instant = result.instantBookings();
        int rowsBefore = before.rows();
        int expectedRows = rowsBefore + accepted.size() + instant.size();
        sayf("%s: sent %d, not answered 2xx then retried %d, accepted %d + %d instant, answers %s%n",
                scenario, result.sent(), result.retried(), accepted.size(), instant.size(), result.statuses());
        say(scenario + ": load stopped, waiting for the sinks");
        BooleanSupplier arrived = () -> sinks.storeRows() >= expectedRows && sinks.tagged(accepted).size() >= accepted.size()
                && sinks.klaviyoUniqueIds(accepted).size() >= accepted.size()
                && sinks.klaviyoInstant(instant).size() >= instant.size();
        Runnable progress = () -> say("  store " + sinks.storeRows() + " of " + expectedRows + ", tagged "
                + sinks.tagged(accepted).size() + ", Klaviyo " + sinks.klaviyoUniqueIds(accepted).size() + " of "
                + accepted.size() + " and " + sinks.klaviyoInstant(instant).size() + " of " + instant.size() + " instant");
        AtomicInteger polls = new AtomicInteger();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        if (polls.incrementAndGet() % 10 == 0) {
                            progress.run();
                        }
                        return arrived.getAsBoolean();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            progress.run();
            throw new AssertionError(scenario + ": sinks behind after 4 min", e);
        }
        // Anything doubled would show up within three seconds: the store's rows must stay as many (if not, the
        // assertions below say what was doubled).
        try {
            org.awaitility.Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> sinks.storeRows() == expectedRows);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            say(scenario + ": the store's rows did not stay at " + expectedRows);
        }
        int rows = sinks.storeRows() - rowsBefore;
        JsonNode report = sinks.report();
        int checkoutBookings = report.path("totals").path("CHECKOUT").asInt() - before.checkout();
        int instantBookings = report.path("totals").path("INSTANT").asInt() - before.instant();
        int tagged = sinks.tagged(accepted).size();
        int tagsAddCalls = sinks.tagsAddCalls(accepted);
        int klaviyo = sinks.klaviyoUniqueIds(accepted).size() + sinks.klaviyoInstant(instant).size();
        long deadLetters = sinks.allDeadLetters() - before.deadLetters();
        int expected = accepted.size() + instant.size();
        int lost = expected - Math.min(Math.min(rows, checkoutBookings + instantBookings), Math.min(tagged + instant.size(),
                klaviyo));
        int doubled = Math.max(0, rows - expected) + Math.max(0, checkoutBookings - accepted.size())
                + Math.max(0, instantBookings - instant.size());
        Outcome outcome = new Outcome(scenario, result.sent(), result.retried(), accepted.size(), instant.size(), rows,
                tagged, klaviyo, deadLetters, lost, doubled, Duration.ofNanos(System.nanoTime() - before.startedNanos()));
        assertEquals(expected, rows, "one customer row per accepted booking customer");
        assertEquals(accepted.size(), checkoutBookings, "one checkout booking row per accepted webhook");
        assertEquals(instant.size(), instantBookings, "one instant booking row per accepted instant booking");
        assertEquals(expectedRows, report.path("bookingCustomers").asInt());
        assertEquals(accepted, sinks.tagged(accepted), "every accepted customer tagged");
        // A redelivered order may ask Shopify again (tagsAdd of a present tag is a no-op there); count how often.
        sayf("tagsAdd calls for %d customers: %d%n", accepted.size(), tagsAddCalls);
        assertEquals(accepted.size() + instant.size(), klaviyo, "one Klaviyo event per booking (unique_id)");
        assertEquals(expectedDeadLetters, deadLetters, "dead letters in all three consumers' topics");
        OUTCOMES.add(outcome);
        return outcome;
    }

    static final long SUITE_START = System.nanoTime();

    /** A progress line with the seconds since the suite began: where a scenario's time goes. */
    static void say(String line) {
        System.out.printf("[faults %5.1f s] %s%n", (System.nanoTime() - SUITE_START) / 1e9, line);
    }

    static void sayf(String format, Object... args) {
        say(String.format(format, args).stripTrailing());
    }

    /** Starts a stopped service and says how long it took to answer ready. */
    static void startAgain(String service) {
        long started = System.nanoTime();
        stack.service(service).start(Duration.ofMinutes(2));
        say(service + " ready again after " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    static List<StubMapping> failSaas(ResponseDefinitionBuilder answer) {
        return List.of(standIn.server().stubFor(post(urlPathMatching("/shopify/.*")).atPriority(1).willReturn(answer)),
                standIn.server().stubFor(post(urlPathMatching("/klaviyo/api/.*")).atPriority(1).willReturn(answer)));
    }

    /** True when the service reports background loops and every one is up ({@code background_up} 1). */
    static boolean backgroundLoopsUp(String service) {
        List<String> up = metricLines(service, "background_up{");
        return !up.isEmpty() && up.stream().allMatch(l -> l.endsWith(" 1.0"));
    }

    static String backgroundRestarts() {
        return LocalDemo.SERVICES.keySet().stream().map(s -> s + " " + metricLines(s, "background_restarts_total{")
                .stream().mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum())
                .collect(Collectors.joining(", "));
    }

    static List<String> metricLines(String service, String prefix) {
        try {
            HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + stack.service(service).port() + "/q/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body().lines().filter(l -> l.startsWith(prefix)).toList();
        } catch (java.io.IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    static void awaitTrue(Duration timeout, BooleanSupplier condition) {
        EndToEndTest.awaitTrue(timeout, condition);
    }

}
