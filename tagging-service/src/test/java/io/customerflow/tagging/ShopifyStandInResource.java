package io.customerflow.tagging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

import io.customerflow.infra.ShopifyAdminStandIn;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A {@link ShopifyAdminStandIn} for one test profile, its shops given as the init arg {@code shops}
 * ({@code domain:token:maximum:restoreRate,...}) and an optional {@code latency-ms}. Ordered after the module's
 * WireMock resource, so its URL template is the one tagging uses.
 */
public class ShopifyStandInResource implements QuarkusTestResourceLifecycleManager {

    /** The stand-in of the profile running now. */
    static ShopifyAdminStandIn shopify;

    private Map<String, String> args = Map.of();

    @Override
    public void init(Map<String, String> initArgs) {
        this.args = initArgs;
    }

    @Override
    public Map<String, String> start() {
        try {
            shopify = new ShopifyAdminStandIn(0);
            for (String shop : args.getOrDefault("shops", "").split(",")) {
                String[] p = shop.split(":");
                shopify.shop(p[0], p[1], Double.parseDouble(p[2]), Double.parseDouble(p[3]));
            }
            if (args.containsKey("latency-ms")) {
                shopify.latency(Duration.ofMillis(Long.parseLong(args.get("latency-ms"))));
            }
            shopify.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("tagging.shopify.url-template", shopify.urlTemplate());
    }

    @Override
    public int order() {
        return 1_000;
    }

    @Override
    public void stop() {
        if (shopify != null) {
            shopify.close();
        }
    }
}
