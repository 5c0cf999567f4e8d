package io.customerflow.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.customerflow.events.EventJson;
import io.customerflow.events.Topics;
import io.customerflow.infra.DeadLetterReplay;
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
    static final Duration DATABASE_OUTAGE = Duration.ofSeconds(Long.getLong("faults.database-outage-seconds", 30));
    /** Shopify's and Klaviyo's outage, a third each of 429s, 500s and timeouts; the full suite runs a minute. */
    static final Duration SAAS_OUTAGE = Duration.ofSeconds(Long.getLong("faults.saas-outage-seconds", 30));
    static final String SHOP = "demo-salon.myshopify.com";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static LocalStack stack;
    static SaasStandIn standIn;
    static LocalDemo.Ports ports;

    @BeforeAll
    static void startTheSystem() throws Exception {
        ports = LocalDemo.Ports.free();
        stack = LocalStack.in(Path.of("..").toAbsolutePath().normalize(), Files.createTempDirectory("customer-flow-faults-"));
        standIn = stack.start(ports);
    }

    @AfterAll
    static void stopTheSystem() {
        if (stack != null) {
            stack.close();
        }
    }

    /** One scenario's figures, printed at the end and written to target/reliability.md. */
    record Outcome(String scenario, int sent, int refusedThenRetried, int accepted, int storeRows, int tagged,
            int klaviyo, long deadLetters, int lost, int doubled, Duration took) {
    }

    static final List<Outcome> OUTCOMES = new ArrayList<>();
    /** Booking customers of {@link #SHOP} accepted by all scenarios so far: the store holds one row each. */
    static int acceptedSoFar;

    @Test
    @Order(1)
    void consumerKillsABrokerRestartAndADatabaseOutage() throws Exception {
        long started = System.nanoTime();
        Load load = Load.start(20_000_000L, 1);
        sleep(3000);
        for (String consumer : new String[] { "customer-store-service", "tagging-service", "klaviyo-service" }) {
            System.out.println("[faults] kill -9 " + consumer);
            stack.service(consumer).kill();
            sleep(2000);
            stack.service(consumer).start(Duration.ofMinutes(2));
        }
        System.out.println("[faults] restarting the Kafka broker");
        stack.broker().close();
        sleep(3000);
        stack.broker().start();
        sleep(3000);
        System.out.println("[faults] PostgreSQL down for " + DATABASE_OUTAGE.toSeconds() + " s");
        stack.postgres().close();
        sleep(DATABASE_OUTAGE.toMillis());
        stack.postgres().start();
        sleep(3000);
        assertEveryAcceptedBookingExactlyOnce("kill -9 each consumer, restart Kafka, PostgreSQL down "
                + DATABASE_OUTAGE.toSeconds() + " s", load.stop(), started, 0);
    }

    @Test
    @Order(2)
    void ingestRestartedWithRequestsInFlight() throws Exception {
        long started = System.nanoTime();
        Load load = Load.start(21_000_000L, 8);
        sleep(3000);
        System.out.println("[faults] ingest stopped (SIGTERM) and restarted under load");
        stack.service("ingest-service").close();
        stack.service("ingest-service").start(Duration.ofMinutes(2));
        sleep(3000);
        System.out.println("[faults] ingest killed (SIGKILL) and restarted under load");
        stack.service("ingest-service").kill();
        stack.service("ingest-service").start(Duration.ofMinutes(2));
        sleep(3000);
        assertEveryAcceptedBookingExactlyOnce("ingest stopped and killed with requests in flight", load.stop(),
                started, 0);
    }

    @Test
    @Order(3)
    void saasOutageIsRetriedWithinTheLimitsWithoutDeadLetters() throws Exception {
        long started = System.nanoTime();
        long deadLettersBefore = deadLetters("tagging") + deadLetters("klaviyo");
        Load load = Load.start(22_000_000L, 1);
        sleep(2000);
        Date outageStart = new Date();
        Duration third = SAAS_OUTAGE.dividedBy(3);
        System.out.println("[faults] Shopify and Klaviyo answer 429 (Retry-After: 2) for " + third.toSeconds() + " s");
        List<StubMapping> outage = failSaas(aResponse().withStatus(429).withHeader("Retry-After", "2"));
        sleep(third.toMillis());
        System.out.println("[faults] Shopify and Klaviyo answer 500 for " + third.toSeconds() + " s");
        outage.forEach(standIn.server()::removeStub);
        outage = failSaas(aResponse().withStatus(500));
        sleep(third.toMillis());
        System.out.println("[faults] Shopify and Klaviyo time out (12 s, then 503) for " + third.toSeconds() + " s");
        outage.forEach(standIn.server()::removeStub);
        outage = failSaas(aResponse().withStatus(503).withFixedDelay(12_000));
        sleep(third.toMillis());
        outage.forEach(standIn.server()::removeStub);
        sleep(3000);
        Outcome outcome = assertEveryAcceptedBookingExactlyOnce("Shopify and Klaviyo failing for "
                + SAAS_OUTAGE.toSeconds() + " s (429, 500, timeouts)", load.stop(), started, 0);
        assertEquals(deadLettersBefore, deadLetters("tagging") + deadLetters("klaviyo"), "dead letters of a transient outage");
        for (String api : List.of("/shopify/", "/klaviyo/")) {
            Map<Integer, Long> statuses = standIn.server().getAllServeEvents().stream()
                    .filter(e -> e.getRequest().getUrl().startsWith(api) && e.getRequest().getLoggedDate().after(outageStart))
                    .collect(Collectors.groupingBy(e -> e.getResponse().getStatus(), TreeMap::new, Collectors.counting()));
            System.out.println("[faults] " + api + " answers since the outage began: " + statuses);
            // While every request slot waits out a backoff, a phase can pass without a new call: any failure counts.
            assertTrue(statuses.keySet().stream().anyMatch(s -> s >= 429), api + " never failed: no outage felt");
        }
        assertWithinKlaviyosLimits(outageStart);
        System.out.println("[faults] " + outcome.scenario() + ": no dead letter, Klaviyo's limits kept");
    }

    @Test
    @Order(4)
    void permanentErrorsAreDeadLetteredThenReplayedOnce() throws Exception {
        long started = System.nanoTime();
        long taggingBefore = deadLetters("tagging");
        long klaviyoBefore = deadLetters("klaviyo");
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
            assertEquals(200, send(id));
            accepted.add(id);
        }
        awaitTrue(Duration.ofMinutes(2), () -> deadLetters("tagging") == taggingBefore + 10
                && deadLetters("klaviyo") == klaviyoBefore + 10);
        awaitTrue(Duration.ofMinutes(1), () -> tagged(accepted).size() == 40 && klaviyoUniqueIds(accepted).size() == 40);
        refusals.forEach(standIn.server()::removeStub);
        System.out.println("[faults] cause fixed; replaying the dead letters");
        String kafka = stack.broker().bootstrapServers();
        assertEquals(10, DeadLetterReplay.replay(kafka, "tagging"));
        assertEquals(10, DeadLetterReplay.replay(kafka, "klaviyo"));
        assertEquals(0, DeadLetterReplay.replay(kafka, "klaviyo"), "a dead letter is replayed once");
        Outcome outcome = assertEveryAcceptedBookingExactlyOnce("permanent errors (Shopify userErrors, Klaviyo 400)"
                + " dead-lettered, then replayed", new Result(50, 0, accepted), started, 20);
        assertEquals(taggingBefore + 10, deadLetters("tagging"), "replayed events succeeded");
        assertEquals(klaviyoBefore + 10, deadLetters("klaviyo"));
        System.out.println("[faults] " + outcome.scenario() + ": 20 dead letters, each replayed once");
    }

    @Test
    @Order(5)
    void noServiceLoggedPersonalDataOrSecretsThroughoutTheFaults() throws Exception {
        LogScan.assertNoPersonalDataOrSecrets(stack.dataDirectory().resolve("logs"), List.of("Zoë"));
    }

    @AfterAll
    static void writeTheFigures() throws Exception {
        StringBuilder table = new StringBuilder("| scenario | sent | not 200, retried | accepted | store rows |"
                + " customers tagged | Klaviyo events | dead letters | lost | doubled | took |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Outcome o : OUTCOMES) {
            table.append(String.format("| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d s |%n", o.scenario(),
                    o.sent(), o.refusedThenRetried(), o.accepted(), o.storeRows(), o.tagged(), o.klaviyo(),
                    o.deadLetters(), o.lost(), o.doubled(), o.took().toSeconds()));
        }
        System.out.println(table);
        Files.writeString(Path.of("target/reliability.md"), table);
    }

    // ---------------------------------------------------------------------------------------------------------

    record Result(int sent, int retried, Set<Long> accepted) {
    }

    /** Booking webhooks at about 25/s per thread, each id once; what was not answered 200 is retried as Shopify does. */
    static final class Load {
        final AtomicBoolean running = new AtomicBoolean(true);
        final Set<Long> accepted = ConcurrentHashMap.newKeySet();
        final Set<Long> refused = ConcurrentHashMap.newKeySet();
        final AtomicInteger sent = new AtomicInteger();
        final List<Thread> threads = new ArrayList<>();

        static Load start(long firstId, int threads) {
            Load load = new Load();
            for (int t = 0; t < threads; t++) {
                long from = firstId + t * 100_000L;
                Thread thread = new Thread(() -> {
                    for (long id = from; load.running.get() && id < from + 5000; id++) {
                        load.sent.incrementAndGet();
                        boolean ok = send(id) == 200;
                        (ok ? load.accepted : load.refused).add(id);
                        sleep(ok ? 40 : 100);
                    }
                }, "load-" + t);
                load.threads.add(thread);
                thread.start();
            }
            return load;
        }

        Result stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
            int retried = 0;
            for (Long id : refused) {
                long deadline = System.currentTimeMillis() + 60_000;
                while (send(id) != 200) {
                    assertTrue(System.currentTimeMillis() < deadline, "retry of " + id + " never accepted");
                    sleep(500);
                }
                accepted.add(id);
                retried++;
            }
            return new Result(sent.get(), retried, new TreeSet<>(accepted));
        }
    }

    static Outcome assertEveryAcceptedBookingExactlyOnce(String scenario, Result result, long startedNanos,
            long deadLetters) {
        Set<Long> accepted = result.accepted();
        int rowsBefore = acceptedSoFar;
        int expectedRows = rowsBefore + accepted.size();
        System.out.printf("[faults] %s: sent %d, not answered 200 then retried %d, accepted %d%n", scenario,
                result.sent(), result.retried(), accepted.size());
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (!(storeRows() >= expectedRows && tagged(accepted).size() >= accepted.size()
                && klaviyoUniqueIds(accepted).size() >= accepted.size())) {
            assertTrue(System.nanoTime() < deadline, scenario + ": sinks behind after 4 min: store " + storeRows()
                    + " of " + expectedRows + ", tagged " + tagged(accepted).size() + ", Klaviyo "
                    + klaviyoUniqueIds(accepted).size() + " of " + accepted.size());
            sleep(1000);
        }
        sleep(3000); // anything doubled would show up now
        int rows = storeRows() - rowsBefore;
        int bookings = report().path("totals").path("CHECKOUT").asInt() - rowsBefore;
        int tagged = tagged(accepted).size();
        int klaviyo = klaviyoUniqueIds(accepted).size();
        int lost = accepted.size() - Math.min(Math.min(rows, bookings), Math.min(tagged, klaviyo));
        int doubled = Math.max(0, rows - accepted.size()) + Math.max(0, bookings - accepted.size());
        Outcome outcome = new Outcome(scenario, result.sent(), result.retried(), accepted.size(), rows, tagged,
                klaviyo, deadLetters, lost, doubled, Duration.ofNanos(System.nanoTime() - startedNanos));
        assertEquals(accepted.size(), rows, "one customer row per accepted booking customer");
        assertEquals(accepted.size(), bookings, "one booking row per accepted booking");
        assertEquals(expectedRows, report().path("bookingCustomers").asInt());
        assertEquals(accepted, tagged(accepted), "every accepted customer tagged (a repeated tagsAdd is a no-op in Shopify)");
        assertEquals(accepted.size(), klaviyo, "one Klaviyo event per booking (unique_id)");
        acceptedSoFar = expectedRows;
        OUTCOMES.add(outcome);
        return outcome;
    }

    static List<StubMapping> failSaas(ResponseDefinitionBuilder answer) {
        return List.of(standIn.server().stubFor(post(urlPathMatching("/shopify/.*")).atPriority(1).willReturn(answer)),
                standIn.server().stubFor(post(urlPathMatching("/klaviyo/api/.*")).atPriority(1).willReturn(answer)));
    }

    /** Klaviyo's published limits per endpoint, burst per second and steady per minute, over the requests since. */
    static void assertWithinKlaviyosLimits(Date since) {
        for (var limit : Map.of("/klaviyo/api/events", new int[] { 350, 3500 },
                "/klaviyo/api/event-bulk-create-jobs", new int[] { 10, 150 }).entrySet()) {
            List<Long> times = standIn.server().findAll(postRequestedFor(urlPathMatching(limit.getKey()))).stream()
                    .map(r -> r.getLoggedDate().getTime()).filter(t -> t >= since.getTime()).sorted().toList();
            assertTrue(maxInWindow(times, 1000) <= limit.getValue()[0], limit.getKey() + " burst " + maxInWindow(times, 1000));
            assertTrue(maxInWindow(times, 60_000) <= limit.getValue()[1], limit.getKey() + " steady " + maxInWindow(times, 60_000));
        }
    }

    static int maxInWindow(List<Long> sortedTimes, long windowMillis) {
        int max = 0;
        for (int i = 0, j = 0; i < sortedTimes.size(); i++) {
            while (sortedTimes.get(i) - sortedTimes.get(j) >= windowMillis) {
                j++;
            }
            max = Math.max(max, i - j + 1);
        }
        return max;
    }

    /** Records ever written to a consumer's dead-letter topic. */
    static long deadLetters(String consumer) {
        try (var kafka = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.broker().bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            String topic = Topics.deadLetter(consumer);
            var partitions = kafka.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return kafka.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static int send(long id) {
        byte[] body = EndToEndTest.order(id, id, "f" + id + "@faults.example", true);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(LocalDemo.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.service("ingest-service")
                    + "/webhooks/shopify")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("X-Shopify-Hmac-Sha256", Base64.getEncoder().encodeToString(mac.doFinal(body)))
                    .header("X-Shopify-Topic", "orders/create").header("X-Shopify-Shop-Domain", SHOP)
                    .header("X-Shopify-Webhook-Id", "wh-" + id)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static JsonNode store() {
        try {
            return EventJson.mapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + ports.service("customer-store-service") + "/v1/customers?size=500&shop=" + SHOP))
                    .header("Authorization", "Bearer " + LocalDemo.STORE_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            return EventJson.mapper().createObjectNode();
        }
    }

    static JsonNode report() {
        try {
            return EventJson.mapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + ports.service("customer-store-service") + "/v1/reports/bookings?shop=" + SHOP
                    + "&from=2026-11-20&to=2026-11-21"))
                    .header("Authorization", "Bearer " + LocalDemo.STORE_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            return EventJson.mapper().createObjectNode();
        }
    }

    static int storeRows() {
        return store().path("total").asInt();
    }

    /** Customers of the given set Shopify tagged. */
    static Set<Long> tagged(Set<Long> of) {
        return standIn.customersTagged().stream().map(gid -> Long.parseLong(gid.substring(gid.lastIndexOf('/') + 1)))
                .filter(of::contains).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Distinct unique_ids Klaviyo was sent for bookings of the given orders ({@code shop/order/...}). */
    static Set<String> klaviyoUniqueIds(Set<Long> orders) {
        return standIn.klaviyoUniqueIds().stream().map(id -> id.split("/"))
                .filter(parts -> parts.length > 2 && parts[1].matches("\\d+") && orders.contains(Long.parseLong(parts[1])))
                .map(parts -> String.join("/", parts)).collect(Collectors.toSet());
    }

    static void awaitTrue(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not reached within " + timeout);
            sleep(500);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
