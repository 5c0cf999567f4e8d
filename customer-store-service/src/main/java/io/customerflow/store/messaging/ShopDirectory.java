package io.customerflow.store.messaging;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.consumer.KafkaClients;
import io.customerflow.consumer.SupervisedLoop;
import io.customerflow.events.EventJson;
import io.customerflow.events.ShopCommand;
import io.customerflow.events.ShopDomains;
import io.customerflow.events.ShopHealthReport;
import io.customerflow.store.config.StoreConfig;
import io.customerflow.store.model.ShopView;
import io.customerflow.store.service.ShopStates;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * The console's view of every shop: the registry's records (their plain fields: a sealed secret is never read), the
 * health the services reported, ingest's passes, and the console's commands (the audit list), each topic read from
 * its start and followed by one plain consumer ({@link TopicTail}). Held in memory: 10,000 shops are a few MB, and a
 * page is a filter over them. Hostile by default: a record of the wrong shape is skipped and counted. Metrics count
 * shops by state, problem and health (bounded labels, never one series per shop).
 */
@ApplicationScoped
public class ShopDirectory {

    /** A page of shops. */
    public record Page(List<ShopView> items, int page, long pages, long total) {
    }

    /** Commands kept for the audit list, newest last; older ones are dropped (the topic keeps 90 days). */
    static final int AUDIT_KEPT = 100_000;

    private final StoreConfig.Console config;
    private final KafkaClients kafka;
    private final MeterRegistry registry;
    private final Map<String, ShopView.Registered> registered = new ConcurrentHashMap<>();
    private final Map<String, Map<ShopHealthReport.Aspect, ShopHealthReport>> health = new ConcurrentHashMap<>();
    private final Map<String, ShopView.Pass> reconciles = new ConcurrentHashMap<>();
    private final Map<String, ShopView.Pass> backfills = new ConcurrentHashMap<>();
    private final Deque<ShopCommand> audit = new ArrayDeque<>();
    private final java.util.Set<String> auditIds = new java.util.HashSet<>();
    private SupervisedLoop loop;

    public ShopDirectory(StoreConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            MeterRegistry registry) {
        this.config = config.console();
        this.kafka = new KafkaClients(kafkaConfig);
        this.registry = registry;
        for (String state : ShopStates.STATES) {
            Gauge.builder("store.shops", this, d -> d.counts().get("state|" + state)).tag("state", state)
                    .description("Shops by state (the console's Shops page)").register(registry);
        }
        for (String problem : ShopStates.PROBLEMS) {
            Gauge.builder("store.shops.problems", this, d -> d.counts().get("problem|" + problem))
                    .tag("problem", problem).description("Shops with this problem").register(registry);
        }
        for (ShopHealthReport.Aspect aspect : ShopHealthReport.Aspect.values()) {
            for (String state : aspect.states()) {
                Gauge.builder("store.shops.health", this, d -> d.counts().get(aspect.word() + "|" + state))
                        .tags("aspect", aspect.word(), "state", state)
                        .description("Shops whose last report of the aspect is in the state").register(registry);
            }
        }
    }

    void onStart(@Observes StartupEvent start) {
        loop = new SupervisedLoop("shop-directory", registry, this::run).start();
    }

    @PreDestroy
    void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    /** A shop the registry has, with its health and state now. */
    public Optional<ShopView> find(String shop) {
        ShopView.Registered r = registered.get(shop);
        return r == null ? Optional.empty() : Optional.of(view(r, OffsetDateTime.now(ZoneOffset.UTC)));
    }

    /**
     * The shops the operator may read whose domain contains {@code query} and whose state is {@code state} (either
     * null for any), by domain, {@code size} a page.
     */
    public Page page(Predicate<String> mayRead, String query, String state, int page, int size) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String q = query == null ? null : query.toLowerCase(java.util.Locale.ROOT);
        List<ShopView> matching = registered.values().stream()
                .filter(r -> mayRead.test(r.shop()) && (q == null || r.shop().contains(q)))
                .map(r -> view(r, now)).filter(v -> state == null || v.state().equals(state))
                .sorted(Comparator.comparing(ShopView::shop)).toList();
        int pages = Math.max(1, (matching.size() + size - 1) / size);
        int shown = Math.min(Math.max(0, page), pages - 1);
        return new Page(matching.subList(Math.min(matching.size(), shown * size),
                Math.min(matching.size(), (shown + 1) * size)), shown, pages, matching.size());
    }

    /** The newest commands of shops the operator may read, newest first. */
    public List<ShopCommand> audit(Predicate<String> mayRead, int limit) {
        List<ShopCommand> out = new ArrayList<>();
        synchronized (audit) {
            var it = audit.descendingIterator();
            while (it.hasNext() && out.size() < limit) {
                ShopCommand c = it.next();
                if (mayRead.test(c.shop())) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /**
     * Every gauge's figure, counted in one go over all shops and kept a few seconds: a scrape reads 23 gauges, each
     * of which would otherwise go over 10,000 shops.
     */
    private synchronized Map<String, Double> counts() {
        long nowNanos = System.nanoTime();
        if (counts != null && nowNanos - countedAt < COUNTS_KEPT.toNanos()) {
            return counts;
        }
        Map<String, Double> next = new java.util.HashMap<>();
        ShopStates.STATES.forEach(st -> next.put("state|" + st, 0.0));
        ShopStates.PROBLEMS.forEach(p -> next.put("problem|" + p, 0.0));
        for (ShopHealthReport.Aspect a : ShopHealthReport.Aspect.values()) {
            a.states().forEach(st -> next.put(a.word() + "|" + st, 0.0));
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (ShopView.Registered r : registered.values()) {
            ShopView v = view(r, now);
            next.merge("state|" + v.state(), 1.0, Double::sum);
            v.problems().forEach(p -> next.merge("problem|" + p, 1.0, Double::sum));
            if (!v.state().equals("uninstalled")) {
                v.health().forEach((a, report) -> next.merge(a.word() + "|" + report.state(), 1.0, Double::sum));
            }
        }
        counts = next;
        countedAt = nowNanos;
        return next;
    }

    private static final java.time.Duration COUNTS_KEPT = java.time.Duration.ofSeconds(5);
    private Map<String, Double> counts;
    private long countedAt;

    private ShopView view(ShopView.Registered r, OffsetDateTime now) {
        return ShopStates.of(r, health.getOrDefault(r.shop(), Map.of()), reconciles.get(r.shop()),
                backfills.get(r.shop()), config.webhooksQuietAfter(), now);
    }

    /**
     * Reads the four topics from their start. After a failure the loop reads them again over what it knew: every
     * record sets its key's value (a tombstone removes it) and a command is kept once by its id, so pages and gauges
     * never drop to nothing while it catches up.
     */
    private void run(SupervisedLoop supervisor) throws InterruptedException {
        TopicTail.follow(kafka, "store-console-shops", supervisor, List.of(config.registryTopic(),
                config.healthTopic(), config.reconcileStateTopic(), config.commandsTopic()),
                (c, added) -> c.seekToBeginning(added), this::apply);
    }

    void apply(ConsumerRecord<String, byte[]> r) {
        try {
            String topic = r.topic();
            if (topic.equals(config.registryTopic())) {
                applyRegistry(r);
            } else if (topic.equals(config.healthTopic())) {
                applyHealth(r);
            } else if (topic.equals(config.reconcileStateTopic())) {
                applyPass(r);
            } else if (r.value() != null) {
                ShopCommand command = ShopCommand.read(r.value());
                synchronized (audit) {
                    if (auditIds.add(command.id())) {
                        audit.addLast(command);
                        if (audit.size() > AUDIT_KEPT) {
                            auditIds.remove(audit.removeFirst().id());
                        }
                    }
                }
            }
        } catch (java.io.IOException | RuntimeException unreadable) {
            registry.counter("store.console.records.skipped", "topic", r.topic()).increment();
        }
    }

    private void applyRegistry(ConsumerRecord<String, byte[]> r) throws java.io.IOException {
        if (!ShopDomains.isValid(r.key())) {
            throw new IllegalArgumentException("not a shop");
        }
        if (r.value() == null) {
            registered.remove(r.key());
            return;
        }
        JsonNode v = EventJson.mapper().readTree(r.value());
        String status = v.path("status").asText("");
        if (!v.path("shop").asText("").equals(r.key())
                || !List.of("installed", "needs-reauth", "uninstalled").contains(status)) {
            throw new IllegalArgumentException("not a registry record");
        }
        JsonNode c = v.path("credential");
        JsonNode s = v.path("settings");
        List<String> scopes = new ArrayList<>();
        v.path("scopes").forEach(x -> scopes.add(x.asText()));
        Map<String, String> tagNames = new java.util.TreeMap<>();
        s.path("tagNames").fields().forEachRemaining(e -> tagNames.put(e.getKey(), e.getValue().asText()));
        registered.put(r.key(), new ShopView.Registered(r.key(), status, text(v, "clientId"), List.copyOf(scopes),
                c.isObject() ? text(c, "kind") : null, time(c, "accessTokenExpiresAt"),
                time(c, "refreshTokenExpiresAt"), v.hasNonNull("klaviyoKey"), s.path("reconcile").asBoolean(true),
                s.path("createInstantCustomers").asBoolean(false), tagNames, time(v, "installedAt"),
                time(v, "updatedAt")));
    }

    private void applyHealth(ConsumerRecord<String, byte[]> r) {
        int slash = r.key() == null ? -1 : r.key().lastIndexOf('/');
        String shop = slash < 0 ? null : r.key().substring(0, slash);
        ShopHealthReport.Aspect aspect = slash < 0 ? null
                : ShopHealthReport.Aspect.of(r.key().substring(slash + 1)).orElse(null);
        if (!ShopDomains.isValid(shop) || aspect == null || r.value() == null) {
            throw new IllegalArgumentException("not a health record");
        }
        ShopHealthReport report = EventJson.fromBytes(r.value(), ShopHealthReport.class);
        if (!report.validFor(aspect)) {
            throw new IllegalArgumentException("not a " + aspect.word() + " report");
        }
        health.compute(shop, (s, old) -> {
            Map<ShopHealthReport.Aspect, ShopHealthReport> next = old == null
                    ? new EnumMap<>(ShopHealthReport.Aspect.class) : new EnumMap<>(old);
            ShopHealthReport before = next.get(aspect);
            // Replicas report what each saw (webhooks): the newest observation wins, whatever order they arrive in.
            if (before == null || !report.at().isBefore(before.at())) {
                next.put(aspect, report);
            }
            return next;
        });
    }

    private void applyPass(ConsumerRecord<String, byte[]> r) throws java.io.IOException {
        String key = r.key() == null ? "" : r.key();
        int slash = key.indexOf('/');
        String kind = slash < 0 ? "" : key.substring(0, slash);
        String shop = slash < 0 ? null : key.substring(slash + 1);
        if (!ShopDomains.isValid(shop) || !(kind.equals("reconcile") || kind.equals("backfill"))) {
            throw new IllegalArgumentException("not a pass state");
        }
        Map<String, ShopView.Pass> into = kind.equals("reconcile") ? reconciles : backfills;
        if (r.value() == null) {
            into.remove(shop);
            return;
        }
        JsonNode v = EventJson.mapper().readTree(r.value());
        String status = v.path("status").asText("").toLowerCase(java.util.Locale.ROOT);
        if (!List.of("requested", "running", "done", "failed", "uninstalled").contains(status)) {
            throw new IllegalArgumentException("not a pass status");
        }
        String problem = text(v, "problem");
        // A pass without a bulk read (reconciliation, bulk reads off) pages; a code not of ingest's shape is not shown.
        JsonNode bulk = v.path("bulk");
        String readBy = bulk.isObject() && !bulk.path("paging").asBoolean() ? "bulk" : "pages";
        String fallback = bulk.isObject() ? text(bulk, "fallback") : null;
        into.put(shop, new ShopView.Pass(status, time(v, "since"), time(v, "until"), v.path("ordersTotal").asLong(),
                v.path("ordersScanned").asLong(), v.path("bookingsFound").asLong(),
                v.path("eventsPublished").asLong(), time(v, "startedAt"), time(v, "savedAt"), time(v, "finishedAt"),
                code(problem), readBy, code(fallback)));
    }

    /** A code of ingest's (snake case, short), or null: the page shows it as it is. */
    private static String code(String value) {
        return value != null && value.matches("[a-z0-9_]{1,40}") ? value : null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static OffsetDateTime time(JsonNode node, String field) {
        String v = text(node, field);
        return v == null ? null : OffsetDateTime.parse(v);
    }
}
