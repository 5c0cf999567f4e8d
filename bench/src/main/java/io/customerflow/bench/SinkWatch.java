package io.customerflow.bench;

import java.sql.DriverManager;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.customerflow.infra.LocalDemo;

/**
 * When each order's effect arrived in each sink (epoch ms), keyed by order id (= customer id in the bench). The SaaS
 * sinks are seen by {@link #accepted}, the lean stand-in's observer: it keeps the first arrival per id, no bodies.
 */
final class SinkWatch {

    private static final Pattern CUSTOMER_GID = Pattern.compile("gid://shopify/Customer/(\\d+)");
    private static final Pattern UNIQUE_ID = Pattern.compile("\"unique_id\":\"[a-z0-9-]+\\.myshopify\\.com/(\\d+)/");

    private final LocalDemo.Ports ports;
    private final Map<Long, Long> shopify = new ConcurrentHashMap<>();
    private final Map<Long, Long> klaviyo = new ConcurrentHashMap<>();

    SinkWatch(LocalDemo.Ports ports) {
        this.ports = ports;
    }

    /** The stand-in's observer: a Shopify operation or Klaviyo path carried out, with its body. */
    void accepted(String what, String body) {
        long now = System.currentTimeMillis();
        if (what.equals("tagsAdd")) {
            Matcher m = CUSTOMER_GID.matcher(body);
            if (m.find()) {
                shopify.putIfAbsent(Long.parseLong(m.group(1)), now);
            }
        } else if (what.startsWith("/api/event")) { // single creates and bulk jobs
            Matcher m = UNIQUE_ID.matcher(body);
            while (m.find()) {
                klaviyo.putIfAbsent(Long.parseLong(m.group(1)), now);
            }
        }
    }
    /** Customer rows committed (their insert time in PostgreSQL). */
    Map<Long, Long> store(long from, long to) throws Exception {
        Map<Long, Long> times = new HashMap<>();
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/customer_flow",
                "postgres", "");
             var s = c.prepareStatement("select shopify_customer_id, (extract(epoch from created_at) * 1000)::bigint"
                     + " from customer where shop = any(?) and shopify_customer_id between ? and ?")) {
            s.setArray(1, c.createArrayOf("varchar", LocalDemo.SHOPS));
            s.setLong(2, from);
            s.setLong(3, to);
            var rs = s.executeQuery();
            while (rs.next()) {
                times.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return times;
    }

    /** How many of these customers have a row (cheaper than {@link #store} for a drain's end). */
    int storeCount(long from, long to) throws Exception {
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/customer_flow",
                "postgres", "");
             var s = c.prepareStatement("select count(*) from customer where shop = any(?)"
                     + " and shopify_customer_id between ? and ?")) {
            s.setArray(1, c.createArrayOf("varchar", LocalDemo.SHOPS));
            s.setLong(2, from);
            s.setLong(3, to);
            var rs = s.executeQuery();
            rs.next();
            return rs.getInt(1);
        }
    }

    /** tagsAdd mutations Shopify carried out. */
    Map<Long, Long> shopify(long from, long to) {
        return between(shopify, from, to);
    }

    /** Klaviyo events accepted (single creates and bulk jobs). */
    Map<Long, Long> klaviyo(long from, long to) {
        return between(klaviyo, from, to);
    }

    private static Map<Long, Long> between(Map<Long, Long> times, long from, long to) {
        Map<Long, Long> out = new HashMap<>();
        times.forEach((id, at) -> {
            if (id >= from && id <= to) {
                out.put(id, at);
            }
        });
        return out;
    }

    void reset() {
        shopify.clear();
        klaviyo.clear();
    }
}
