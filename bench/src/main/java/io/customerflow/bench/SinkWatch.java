package io.customerflow.bench;

import java.sql.DriverManager;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.customerflow.infra.LocalDemo;
import io.customerflow.infra.SaasStandIn;

/** When each order's effect arrived in each sink (epoch ms), keyed by order id (= customer id in the bench). */
final class SinkWatch {

    private static final Pattern CUSTOMER_GID = Pattern.compile("gid://shopify/Customer/(\\d+)");
    private static final Pattern UNIQUE_ID = Pattern.compile("\"unique_id\":\"[a-z0-9-]+\\.myshopify\\.com/(\\d+)/");

    private final SaasStandIn standIn;
    private final LocalDemo.Ports ports;

    SinkWatch(SaasStandIn standIn, LocalDemo.Ports ports) {
        this.standIn = standIn;
        this.ports = ports;
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

    /** tagsAdd mutations received by the Shopify stand-in. */
    Map<Long, Long> shopify(long from, long to) {
        Map<Long, Long> times = new HashMap<>();
        for (ServeEvent e : standIn.server().getAllServeEvents()) {
            String body = e.getRequest().getBodyAsString();
            if (e.getRequest().getUrl().startsWith("/shopify/") && body.contains("tagsAdd")) {
                Matcher m = CUSTOMER_GID.matcher(body);
                if (m.find()) {
                    put(times, Long.parseLong(m.group(1)), e.getRequest().getLoggedDate().getTime(), from, to);
                }
            }
        }
        return times;
    }

    /** Klaviyo events received (single creates and bulk jobs). */
    Map<Long, Long> klaviyo(long from, long to) {
        Map<Long, Long> times = new HashMap<>();
        for (ServeEvent e : standIn.server().getAllServeEvents()) {
            if (e.getRequest().getUrl().startsWith("/klaviyo/api/event")) {
                Matcher m = UNIQUE_ID.matcher(e.getRequest().getBodyAsString());
                while (m.find()) {
                    put(times, Long.parseLong(m.group(1)), e.getRequest().getLoggedDate().getTime(), from, to);
                }
            }
        }
        return times;
    }

    private static void put(Map<Long, Long> times, long id, long at, long from, long to) {
        if (id >= from && id <= to) {
            times.merge(id, at, Math::min);
        }
    }

    void reset() {
        standIn.server().resetRequests();
    }
}
