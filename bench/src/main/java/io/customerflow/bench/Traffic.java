package io.customerflow.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.customerflow.infra.LocalDemo;

/**
 * Realistic signed Shopify {@code orders/create} webhooks, each a new order of a new booking customer, spread over
 * the demo's shops in turn.
 */
final class Traffic {

    static final String SHOP = LocalDemo.SHOPS[0];

    /** The shop of order {@code n}: the demo's shops in turn. */
    static String shopOf(long n) {
        return LocalDemo.SHOPS[(int) (n % LocalDemo.SHOPS.length)];
    }
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(LocalDemo.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    });

    private Traffic() {
    }

    /** Order {@code n} of a run: order id {@code base + n}, customer id {@code base + n}. */
    static byte[] order(long base, long n) {
        long id = base + n;
        String email = "bench" + id + "@example.com";
        return ("""
                {"id": %d, "admin_graphql_api_id": "gid://shopify/Order/%d", "name": "#%d", "email": "%s",
                 "contact_email": "%s", "created_at": "2026-11-20T10:12:44-05:00", "updated_at": "2026-11-20T10:12:45-05:00",
                 "currency": "USD", "total_price": "95.00", "subtotal_price": "95.00", "financial_status": "paid",
                 "tags": "", "customer_locale": "en", "source_name": "web", "test": false,
                 "line_items": [
                  {"id": %d1, "product_id": 8012345678901, "variant_id": 44012345678901, "title": "Haircut & Style",
                   "variant_title": "45 Minutes", "name": "Haircut & Style - 45 Minutes", "sku": "", "vendor": "Downtown Salon",
                   "quantity": 1, "price": "65.00", "requires_shipping": false, "taxable": true, "gift_card": false,
                   "properties": [{"name": "Date", "value": "December 4, 2026"}, {"name": "Time", "value": "3:30 PM"},
                    {"name": "Timezone", "value": "America/New_York"}, {"name": "Duration", "value": "45 Minutes"},
                    {"name": "Location", "value": "Downtown"}, {"name": "Resources", "value": "Alex"},
                    {"name": "_reservation_token", "value": "rsv_%d"}, {"name": "_session-id", "value": "s%d"},
                    {"name": "_locale", "value": "en"}]},
                  {"id": %d2, "product_id": 8012345600000, "variant_id": 44012345600000, "title": "Argan Oil Shampoo",
                   "variant_title": null, "name": "Argan Oil Shampoo", "sku": "SH-ARG-250", "vendor": "Downtown Salon",
                   "quantity": 1, "price": "30.00", "requires_shipping": true, "taxable": true, "gift_card": false,
                   "properties": []}],
                 "customer": {"id": %d, "admin_graphql_api_id": "gid://shopify/Customer/%d", "email": "%s",
                  "first_name": "Jane", "last_name": "Doe", "phone": null, "tags": "", "state": "enabled",
                  "verified_email": true, "currency": "USD"},
                 "billing_address": {"first_name": "Jane", "last_name": "Doe", "address1": "1 Main St",
                  "city": "Springfield", "province_code": "NY", "country_code": "US", "zip": "10001"}}
                """).formatted(id, id, id, email, email, id, id, id, id, id, id, email).getBytes(StandardCharsets.UTF_8);
    }

    static HttpRequest webhook(URI uri, long base, long n) {
        byte[] body = order(base, n);
        String signature = Base64.getEncoder().encodeToString(MAC.get().doFinal(body));
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("X-Shopify-Hmac-Sha256", signature).header("X-Shopify-Topic", "orders/create")
                .header("X-Shopify-Shop-Domain", shopOf(n)).header("X-Shopify-Webhook-Id", "bench-" + (base + n))
                .timeout(java.time.Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }
}
