package io.customerflow.infra;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback Shopify Admin GraphQL that holds each shop's orders and enforces a real cost bucket: a request whose
 * requested cost exceeds what is available is answered THROTTLED (HTTP 200, {@code errors[].extensions.code}) and
 * counted; otherwise its cost is spent and the bucket restores at its rate, as Shopify documents. Serves the
 * {@code orders} connection (search {@code field:>='…' AND field:<='…'}, {@code sortKey}, cursors),
 * {@code ordersCount}, bulk operations of orders ({@link ShopifyBulkStandIn}), and answers {@code tagsAdd}/{@code tagsRemove}/{@code productTags}; holds customers too
 * ({@code customerByIdentifier} by email, {@code customerCreate} with Shopify's "Email has already been taken", tags
 * applied to the stored customer). Endpoint:
 * {@code {baseUrl}/{shop}/admin/api/{version}/graphql.json}; each shop's token is checked (401 otherwise).
 *
 * <p>Requested cost, like Shopify's calculation for a connection: {@code first × (line items + 2) + 1} for a page of
 * orders, 10 for a mutation (a bulk operation's start too), 1 for a count, a bulk operation's status, a look-up or a Flow trigger ({@link ShopifyFlowStandIn}).
 */
public final class ShopifyAdminStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHOP = Pattern.compile("/([a-z0-9-]+\\.myshopify\\.com)/admin/api/[0-9-]+/graphql\\.json");
    private static final Pattern RANGE = Pattern.compile("(\\w+):>='([^']+)' AND \\w+:<='([^']+)'");
    private static final Pattern SORT = Pattern.compile("sortKey: (\\w+)");
    private static final Pattern OAUTH = Pattern.compile("/([a-z0-9-]+\\.myshopify\\.com)/admin/oauth/(authorize|access_token)$");
    private static final Pattern CUSTOMER_GID = Pattern.compile("gid://shopify/Customer/\\d+");

    /** One shop: its token, its bucket and its orders. */
    public static final class Shop {
        final String token;
        final double maximum;
        final double restoreRate;
        double available;
        long observedNanos = System.nanoTime();
        volatile boolean revoked;
        final List<ObjectNode> orders = new CopyOnWriteArrayList<>();
        final AtomicInteger failPages = new AtomicInteger();
        final AtomicInteger failLookups = new AtomicInteger();
        /** The app's webhook subscriptions in this shop, by gid (topic, uri, format, as Shopify lists them). */
        final Map<String, ObjectNode> subscriptions = new java.util.concurrent.ConcurrentSkipListMap<>();
        final AtomicInteger nextSubscription = new AtomicInteger(1);
        /** Customers by lower-cased email, each a Customer node as GraphQL would return it (id, names, tags...). */
        final Map<String, ObjectNode> customers = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicLong nextCustomerId = new java.util.concurrent.atomic.AtomicLong(
                8_800_000_000_000L);

        Shop(String token, double maximum, double restoreRate) {
            this.token = token;
            this.maximum = maximum;
            this.restoreRate = restoreRate;
            this.available = maximum;
        }

        synchronized double level() {
            long now = System.nanoTime();
            available = Math.min(maximum, available + (now - observedNanos) / 1e9 * restoreRate);
            observedNanos = now;
            return available;
        }
    }

    /** One answered request: what it asked, what it cost, and whether it was throttled. */
    public record Call(String shop, String operation, int requestedCost, boolean throttled, double availableBefore,
            long atNanos, String body) {
    }

    private final HttpServer server;
    private final java.util.concurrent.ExecutorService executor = Executors.newFixedThreadPool(64, r -> {
        Thread t = new Thread(r, "shopify-stand-in");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Shop> shops = new ConcurrentHashMap<>();
    private final Map<Long, List<String>> productTags = new ConcurrentHashMap<>(Map.of(803L, List.of("sesami-service")));
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong throttledCount = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile long latencyMillis;
    /** Shops installed through OAuth or a grant start with Shopify's standard bucket (1000 points, 50 a second). */
    private final ShopifyFlowStandIn flow = new ShopifyFlowStandIn();
    private final ShopifyOAuthStandIn oauth = new ShopifyOAuthStandIn(
            domain -> shops.computeIfAbsent(domain, d -> new Shop(null, 1000, 50)));

    /** Null: every call is recorded ({@link #calls}); else carried-out calls go to it and nothing is kept. */
    private final java.util.function.BiConsumer<String, String> observer;
    /** Where this stand-in's paths begin on its server ("" on its own server). */
    private final String mount;
    private final ShopifyBulkStandIn bulk = new ShopifyBulkStandIn(() -> baseUrl() + mount());

    /** On the given port; 0 takes a free one ({@link #baseUrl} tells which). */
    public ShopifyAdminStandIn(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        observer = null;
        mount = "";
    }

    /** Mounted under {@code context} on a server of someone else's; calls not throttled go to {@code observer}. */
    ShopifyAdminStandIn(HttpServer shared, String context, java.util.function.BiConsumer<String, String> observer) {
        server = shared;
        server.createContext(context, this::handle);
        this.observer = observer;
        this.mount = context.endsWith("/") ? context.substring(0, context.length() - 1) : context;
    }

    private String mount() {
        return mount;
    }

    /** Bulk operations of this stand-in: their pace, failures, expiry and what their results served. */
    public ShopifyBulkStandIn bulk() {
        return bulk;
    }

    public ShopifyAdminStandIn start() {
        server.start();
        return this;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The URL template the services take ({@code tagging.shopify.url-template}, {@code ingest.shopify.url-template}). */
    public String urlTemplate() {
        return baseUrl() + "/{shop}/admin/api/{version}/graphql.json";
    }

    /** Shopify's OAuth and token endpoints of this stand-in, and what they granted. */
    public ShopifyOAuthStandIn oauth() {
        return oauth;
    }

    /** Shopify Flow of this stand-in: the triggers it knows ({@link ShopifyFlowStandIn#declare}) and received. */
    public ShopifyFlowStandIn flow() {
        return flow;
    }

    /** The authorize and token endpoints' template ({@code {endpoint}}: {@code authorize} or {@code access_token}). */
    public String oauthUrlTemplate(String endpoint) {
        return baseUrl() + "/{shop}/admin/oauth/" + endpoint;
    }

    public ShopifyAdminStandIn shop(String domain, String token, double maximumAvailable, double restoreRate) {
        shops.put(domain, new Shop(token, maximumAvailable, restoreRate));
        oauth.nonExpiring(domain, token);
        return this;
    }

    /** Adds orders (GraphQL {@code Order} nodes, see {@link #order}). */
    public void addOrders(String domain, List<ObjectNode> orders) {
        shops.get(domain).orders.addAll(orders);
    }

    /** The next {@code n} pages of orders for the shop are answered with GraphQL errors. */
    public void failNextPages(String domain, int n) {
        shops.get(domain).failPages.set(n);
    }

    /** The next {@code n} product look-ups of the shop are answered 503, as Shopify does in an incident. */
    public void failNextLookups(String domain, int n) {
        shops.get(domain).failLookups.set(n);
    }

    /** Empties the shop's bucket and leaves it {@code points} in debt: its next calls are THROTTLED until it refills. */
    public void drain(String domain, double points) {
        Shop shop = shops.get(domain);
        synchronized (shop) {
            shop.level();
            shop.available = -points;
        }
    }

    /** Products of every shop and their tags ({@code productTags}); product 803 is tagged {@code sesami-service}. */
    public ShopifyAdminStandIn tagProduct(long productId, String... tags) {
        productTags.put(productId, List.of(tags));
        return this;
    }

    /** The app's webhook subscriptions in the shop, each {@code topic uri format}, sorted. */
    public List<String> subscriptions(String domain) {
        return shops.get(domain).subscriptions.values().stream().map(n -> n.path("topic").asText() + " "
                + n.path("uri").asText() + " " + n.path("format").asText()).sorted().toList();
    }

    /** What Shopify does after 8 failed deliveries in a row: the shop's subscription to the topic is gone. */
    public void dropSubscription(String domain, String topicEnum) {
        shops.get(domain).subscriptions.values().removeIf(n -> n.path("topic").asText().equals(topicEnum));
    }

    /** The shop's subscription to the topic delivers to another address (an old deployment's). */
    public void redirectSubscription(String domain, String topicEnum, String uri) {
        shops.get(domain).subscriptions.values().stream().filter(n -> n.path("topic").asText().equals(topicEnum))
                .forEach(n -> n.put("uri", uri));
    }

    /** From now on the shop answers 401 (token revoked, app uninstalled). */
    public void revoke(String domain) {
        shops.get(domain).revoked = true;
        oauth.revokeAll(domain);
    }

    /**
     * Every answer takes this long (a real shop answers in tens to hundreds of ms): a client that sends one call at a
     * time per shop is then bound by the round trip, not by the bucket.
     */
    public ShopifyAdminStandIn latency(java.time.Duration latency) {
        this.latencyMillis = latency.toMillis();
        return this;
    }

    /** The most requests (all shops) that were being answered at once. */
    public int maxConcurrentRequests() {
        return maxInFlight.get();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Calls answered THROTTLED (counted whether or not calls are recorded). */
    public long throttled() {
        return throttledCount.get();
    }

    public List<Call> calls(String domain, String operation) {
        return calls.stream().filter(c -> c.shop().equals(domain) && c.operation().equals(operation)).toList();
    }

    /** A customer the merchant already has (their names, tags and note are theirs: never overwritten). */
    public void addCustomer(String domain, long id, String email, String firstName, String lastName,
            List<String> tags, String note) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", "gid://shopify/Customer/" + id).put("email", email).put("firstName", firstName)
                .put("lastName", lastName).put("note", note).put("locale", "en");
        tags.forEach(c.putArray("tags")::add);
        shops.get(domain).customers.put(email.toLowerCase(java.util.Locale.ROOT), c);
    }

    /** The shop's customer with this email as it stands now, or null. */
    public ObjectNode customer(String domain, String email) {
        ObjectNode c = shops.get(domain).customers.get(email.toLowerCase(java.util.Locale.ROOT));
        return c == null ? null : c.deepCopy();
    }

    public int customerCount(String domain) {
        return shops.get(domain).customers.size();
    }

    /** The customer gids of every {@code tagsAdd} carried out (not throttled). */
    public List<String> customersTagged(String domain) {
        List<String> gids = new ArrayList<>();
        for (Call c : calls(domain, "tagsAdd")) {
            Matcher m = CUSTOMER_GID.matcher(c.body());
            if (!c.throttled() && m.find()) {
                gids.add(m.group());
            }
        }
        return gids;
    }

    /**
     * A GraphQL {@code Order} node with one booking line item (a {@code _reservation_token} and a {@code Duration}).
     */
    public static ObjectNode order(long id, long customerId, String email, OffsetDateTime createdAt,
            OffsetDateTime updatedAt, OffsetDateTime cancelledAt) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", "gid://shopify/Order/" + id);
        o.put("name", "#" + id);
        o.put("email", email);
        o.put("createdAt", createdAt.toString());
        o.put("updatedAt", updatedAt.toString());
        if (cancelledAt == null) {
            o.putNull("cancelledAt");
        } else {
            o.put("cancelledAt", cancelledAt.toString());
        }
        o.putArray("tags");
        o.put("customerLocale", "en");
        o.put("currencyCode", "USD");
        ObjectNode c = o.putObject("customer");
        c.put("id", "gid://shopify/Customer/" + customerId);
        c.put("firstName", "Customer");
        c.put("lastName", Long.toString(customerId));
        c.put("locale", "en");
        c.putObject("defaultEmailAddress").put("emailAddress", email);
        c.putNull("defaultPhoneNumber");
        ObjectNode items = o.putObject("lineItems");
        items.putObject("pageInfo").put("hasNextPage", false);
        ObjectNode li = items.putArray("nodes").addObject();
        li.put("id", "gid://shopify/LineItem/" + (id * 10 + 1));
        li.put("quantity", 1);
        li.put("sku", "MASSAGE-60");
        li.put("title", "Massage");
        li.put("variantTitle", "60 Minutes");
        li.putObject("product").put("id", "gid://shopify/Product/803").putArray("tags").add("sesami-service");
        li.putObject("variant").put("id", "gid://shopify/ProductVariant/8031");
        ArrayNode attributes = li.putArray("customAttributes");
        attributes.addObject().put("key", "Duration").put("value", "60 Minutes");
        attributes.addObject().put("key", "_reservation_token").put("value", "rsv_" + id);
        li.putObject("originalUnitPriceSet").putObject("shopMoney").put("amount", "80.00");
        return o;
    }

    private void handle(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try (exchange) {
            if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
            }
            answer(exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher auth = OAUTH.matcher(exchange.getRequestURI().getPath());
            if (auth.find()) {
                if (auth.group(2).equals("authorize") && "GET".equals(exchange.getRequestMethod())) {
                    oauth.authorize(exchange, auth.group(1));
                } else if (auth.group(2).equals("access_token") && "POST".equals(exchange.getRequestMethod())) {
                    oauth.accessToken(exchange, auth.group(1), body);
                } else {
                    send(exchange, 405, "{\"errors\": \"Method Not Allowed\"}");
                }
                return;
            }
            Matcher result = ShopifyBulkStandIn.RESULT.matcher(exchange.getRequestURI().getPath());
            if (result.find() && "GET".equals(exchange.getRequestMethod())) {
                bulk.serve(exchange, result.group(1));
                return;
            }
            Matcher m = SHOP.matcher(exchange.getRequestURI().getPath());
            Shop shop = m.find() ? shops.get(m.group(1)) : null;
            if (shop == null || !"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 404, "{\"errors\": \"Not Found\"}");
                return;
            }
            String domain = m.group(1);
            String token = exchange.getRequestHeaders().getFirst("X-Shopify-Access-Token");
            boolean staticToken = shop.token != null && shop.token.equals(token) && !oauth.exchanged(domain);
            ShopifyOAuthStandIn.Check granted = staticToken ? ShopifyOAuthStandIn.Check.VALID : oauth.check(domain, token);
            if (granted == ShopifyOAuthStandIn.Check.UNKNOWN) {
                oauth.countUnknown();
            }
            if (shop.revoked || granted != ShopifyOAuthStandIn.Check.VALID) {
                send(exchange, 401, "{\"errors\": \"[API] Invalid API key or access token\"}");
                return;
            }
            JsonNode request = JSON.readTree(body);
            String query = request.path("query").asText();
            JsonNode variables = request.path("variables");
            String operation = operation(query);
            if (operation.equals("productTags") && shop.failLookups.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                calls.add(new Call(domain, operation, 0, false, 0, System.nanoTime(), body));
                send(exchange, 503, "{\"errors\": \"Service Unavailable\"}");
                return;
            }
            int cost = cost(operation, variables);
            double before;
            boolean throttled;
            synchronized (shop) {
                before = shop.level();
                throttled = cost > before;
                if (!throttled) {
                    shop.available -= cost;
                }
            }
            if (throttled) {
                throttledCount.incrementAndGet();
            }
            if (observer == null) {
                calls.add(new Call(domain, operation, cost, throttled, before, System.nanoTime(), body));
            } else if (!throttled) {
                observer.accept(operation, body);
            }
            ObjectNode answer = JSON.createObjectNode();
            if (throttled) {
                answer.putArray("errors").addObject().put("message", "Throttled").putObject("extensions")
                        .put("code", "THROTTLED");
            } else if (operation.equals("orders") && shop.failPages.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                answer.putArray("errors").addObject().put("message", "Internal error. Looks like something went wrong");
            } else {
                answer.set("data", data(operation, domain, shop, query, variables));
            }
            ObjectNode costNode = answer.putObject("extensions").putObject("cost");
            costNode.put("requestedQueryCost", cost);
            costNode.put("actualQueryCost", throttled ? 0 : cost);
            ObjectNode status = costNode.putObject("throttleStatus");
            synchronized (shop) {
                status.put("maximumAvailable", shop.maximum);
                status.put("currentlyAvailable", Math.floor(shop.level()));
                status.put("restoreRate", shop.restoreRate);
            }
            send(exchange, 200, JSON.writeValueAsString(answer));
        } catch (RuntimeException e) {
            System.err.println("ShopifyAdminStandIn: " + e);
            e.printStackTrace();
            send(exchange, 500, "{\"errors\": \"" + e.getClass().getSimpleName() + "\"}");
        }
    }

    private static String operation(String query) {
        if (query.contains("bulkOperationRunQuery(")) {
            return "bulkOperationRunQuery";
        }
        if (query.contains("node(id:")) {
            return "bulkOperation";
        }
        for (String op : new String[] { "webhookSubscriptionCreate", "webhookSubscriptionUpdate",
                "webhookSubscriptions", "ordersCount", "orders", "tagsAdd", "tagsRemove", "productTags",
                "customerByIdentifier", "customerCreate", "flowTriggerReceive" }) {
            if (query.contains(op + "(")) {
                return op;
            }
        }
        return "unknown";
    }

    private static int cost(String operation, JsonNode variables) {
        return switch (operation) {
            case "orders" -> variables.path("first").asInt(50) * (variables.path("lineItems").asInt(50) + 2) + 1;
            case "tagsAdd", "tagsRemove", "customerCreate", "webhookSubscriptionCreate", "webhookSubscriptionUpdate",
                    "bulkOperationRunQuery" -> 10;
            default -> 1;
        };
    }

    private JsonNode data(String operation, String domain, Shop shop, String query, JsonNode variables) {
        ObjectNode data = JSON.createObjectNode();
        switch (operation) {
            case "orders" -> data.set("orders", page(shop, query, variables));
            case "bulkOperationRunQuery" -> {
                String inner = variables.path("query").asText();
                data.set(operation, bulk.run(domain, window(shop, inner, inner), query));
            }
            case "bulkOperation" -> data.set("node", bulk.status(domain, variables.path("id").asText()));
            case "ordersCount" -> data.putObject("ordersCount").put("count", window(shop, query,
                    variables.path("query").asText()).size()).put("precision", "EXACT");
            case "tagsAdd", "tagsRemove" -> {
                ObjectNode result = data.putObject(operation);
                result.putObject("node").put("id", variables.path("id").asText());
                result.putArray("userErrors");
                shop.customers.values().stream().filter(c -> c.path("id").asText().equals(variables.path("id").asText()))
                        .findFirst().ifPresent(c -> retag(c, variables.path("tags"), operation.equals("tagsAdd")));
            }
            case "customerByIdentifier" -> {
                ObjectNode c = shop.customers.get(variables.path("identifier").path("emailAddress").asText()
                        .toLowerCase(java.util.Locale.ROOT));
                if (c == null) {
                    data.putNull("customerByIdentifier");
                } else {
                    data.putObject("customerByIdentifier").put("id", c.path("id").asText());
                }
            }
            case "customerCreate" -> data.set("customerCreate", create(shop, variables.path("input")));
            case "flowTriggerReceive" -> data.set(operation, flow.receive(domain, variables));
            case "webhookSubscriptions" -> {
                ArrayNode nodes = data.putObject("webhookSubscriptions").putArray("nodes");
                shop.subscriptions.values().forEach(n -> nodes.add(n.deepCopy()));
            }
            case "webhookSubscriptionCreate", "webhookSubscriptionUpdate" -> data.set(operation,
                    subscribe(shop, variables, operation.endsWith("Create")));
            case "productTags" -> {
                ArrayNode nodes = data.putArray("nodes");
                for (JsonNode id : variables.path("ids")) {
                    String gid = id.asText();
                    if (!gid.matches("gid://shopify/Product/\\d+")) {
                        nodes.addNull(); // Shopify answers null for an id that names nothing
                        continue;
                    }
                    ObjectNode product = nodes.addObject().put("id", gid);
                    ArrayNode tags = product.putArray("tags");
                    productTags.getOrDefault(Long.parseLong(gid.substring(gid.lastIndexOf('/') + 1)), List.of())
                            .forEach(tags::add);
                }
            }
            default -> {
            }
        }
        return data;
    }

    /** Topics the stand-in knows (Shopify knows many more; these are the ones an app like ours subscribes to). */
    private static final java.util.Set<String> TOPICS = java.util.Set.of("ORDERS_CREATE", "ORDERS_UPDATED",
            "ORDERS_CANCELLED", "ORDERS_PAID", "APP_UNINSTALLED", "CUSTOMERS_CREATE", "CUSTOMERS_UPDATE",
            "BULK_OPERATIONS_FINISH");

    /**
     * {@code webhookSubscriptionCreate} / {@code Update} as Shopify answers them: HTTPS addresses only, a known topic,
     * one subscription per topic and address, an id that exists; else {@code userErrors} and nothing changes.
     */
    private static ObjectNode subscribe(Shop shop, JsonNode variables, boolean create) {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode errors = JSON.createArrayNode();
        JsonNode input = variables.path("webhookSubscription");
        String uri = input.path("uri").asText("");
        String format = input.path("format").asText("JSON");
        synchronized (shop.subscriptions) {
            ObjectNode target = create ? null : shop.subscriptions.get(variables.path("id").asText());
            String topic = create ? variables.path("topic").asText() : target == null ? null
                    : target.path("topic").asText();
            if (!create && target == null) {
                errors.addObject().put("message", "Webhook subscription does not exist").putArray("field").add("id");
            } else if (!TOPICS.contains(topic)) {
                errors.addObject().put("message", "Topic is not a valid webhook topic").putArray("field").add("topic");
            } else if (!uri.startsWith("https://")) {
                errors.addObject().put("message", "Address protocol " + uri.replaceAll("://.*", "://")
                        + " is not supported").putArray("field").add("webhookSubscription").add("uri");
            } else if (!format.equals("JSON") && !format.equals("XML")) {
                errors.addObject().put("message", "Format is not included in the list").putArray("field").add("format");
            } else if (shop.subscriptions.values().stream().anyMatch(n -> n != target
                    && n.path("topic").asText().equals(topic) && n.path("uri").asText().equals(uri))) {
                errors.addObject().put("message", "Address for this topic has already been taken")
                        .putArray("field").add("webhookSubscription").add("uri");
            } else {
                ObjectNode node = target != null ? target : JSON.createObjectNode();
                if (target == null) {
                    String id = "gid://shopify/WebhookSubscription/" + shop.nextSubscription.getAndIncrement();
                    node.put("id", id).put("topic", topic);
                    node.putObject("apiVersion").put("handle", "2026-10");
                    shop.subscriptions.put(id, node);
                }
                node.put("uri", uri).put("format", format);
                result.putObject("webhookSubscription").put("id", node.path("id").asText());
            }
        }
        if (!result.has("webhookSubscription")) {
            result.putNull("webhookSubscription");
        }
        result.set("userErrors", errors);
        return result;
    }

    /** {@code customerCreate}: a new customer, or Shopify's userError when the email is taken or invalid. */
    private static ObjectNode create(Shop shop, JsonNode input) {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode errors = JSON.createArrayNode();
        String email = input.path("email").asText("");
        synchronized (shop.customers) {
            if (!email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
                errors.addObject().put("message", "Email is invalid").putArray("field").add("email");
            } else if (shop.customers.containsKey(email.toLowerCase(java.util.Locale.ROOT))) {
                errors.addObject().put("message", "Email has already been taken").putArray("field").add("email");
            } else {
                ObjectNode c = ((ObjectNode) input.deepCopy()).put("id", "gid://shopify/Customer/"
                        + shop.nextCustomerId.incrementAndGet());
                if (!c.has("tags")) {
                    c.putArray("tags");
                }
                shop.customers.put(email.toLowerCase(java.util.Locale.ROOT), c);
                result.putObject("customer").put("id", c.path("id").asText());
            }
        }
        if (!errors.isEmpty()) {
            result.putNull("customer");
        }
        result.set("userErrors", errors);
        return result;
    }

    private static void retag(ObjectNode customer, JsonNode tags, boolean add) {
        java.util.Set<String> current = new java.util.LinkedHashSet<>();
        customer.path("tags").forEach(t -> current.add(t.asText()));
        tags.forEach(t -> {
            if (add) {
                current.add(t.asText());
            } else {
                current.remove(t.asText());
            }
        });
        ArrayNode array = customer.putArray("tags");
        current.forEach(array::add);
    }

    private ObjectNode page(Shop shop, String query, JsonNode variables) {
        List<ObjectNode> window = window(shop, query, variables.path("query").asText());
        int start = 0;
        if (variables.hasNonNull("after")) {
            start = Integer.parseInt(new String(java.util.Base64.getDecoder().decode(variables.get("after").asText()),
                    StandardCharsets.UTF_8));
        }
        start = Math.min(start, window.size());
        int first = variables.path("first").asInt(50);
        int end = Math.min(window.size(), start + first);
        ObjectNode connection = JSON.createObjectNode();
        ArrayNode nodes = connection.putArray("nodes");
        window.subList(start, end).forEach(nodes::add);
        ObjectNode pageInfo = connection.putObject("pageInfo");
        pageInfo.put("hasNextPage", end < window.size());
        pageInfo.put("endCursor", java.util.Base64.getEncoder().encodeToString(
                Integer.toString(end).getBytes(StandardCharsets.UTF_8)));
        return connection;
    }

    /** The orders matching the search, sorted by the query's sortKey (then id), as a stable list for cursors. */
    private static List<ObjectNode> window(Shop shop, String query, String search) {
        Matcher sort = SORT.matcher(query);
        String sortField = sort.find() && sort.group(1).equals("CREATED_AT") ? "createdAt" : "updatedAt";
        Matcher range = RANGE.matcher(search);
        String field = null;
        OffsetDateTime from = null;
        OffsetDateTime to = null;
        if (range.find()) {
            field = range.group(1).equals("created_at") ? "createdAt" : "updatedAt";
            from = OffsetDateTime.parse(range.group(2));
            to = OffsetDateTime.parse(range.group(3));
        }
        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode o : shop.orders) {
            if (field != null) {
                OffsetDateTime t = OffsetDateTime.parse(o.get(field).asText());
                if (t.isBefore(from) || t.isAfter(to)) {
                    continue;
                }
            }
            matching.add(o);
        }
        String f = sortField;
        matching.sort(Comparator.comparing((ObjectNode o) -> OffsetDateTime.parse(o.get(f).asText()))
                .thenComparing(o -> o.get("id").asText()));
        return matching;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
