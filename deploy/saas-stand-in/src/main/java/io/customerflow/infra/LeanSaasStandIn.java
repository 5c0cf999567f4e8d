package io.customerflow.infra;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

import com.sun.net.httpserver.HttpServer;

/**
 * The bench's stand-in: {@link ShopifyAdminStandIn} under {@code /shopify} and {@link KlaviyoStandIn} under
 * {@code /klaviyo} on one port, both enforcing the published limits (each demo shop's cost bucket, each Klaviyo key's
 * windows) and keeping no request bodies: an observer sees each accepted request once and keeps what it wants.
 * Unlike the recording {@link SaasStandIn} it costs the box little CPU and memory under a long run.
 */
public final class LeanSaasStandIn implements StandIn {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(64, r -> {
        Thread t = new Thread(r, "lean-stand-in");
        t.setDaemon(true);
        return t;
    });
    private final ShopifyAdminStandIn shopify;
    private final KlaviyoStandIn klaviyo;

    /**
     * @param accepted gets (operation or Klaviyo path, request body) of every request carried out: a Shopify call not
     *        throttled, a Klaviyo request within the limits
     */
    public LeanSaasStandIn(int port, BiConsumer<String, String> accepted) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        server.setExecutor(executor);
        shopify = new ShopifyAdminStandIn(server, "/shopify/", accepted);
        klaviyo = new KlaviyoStandIn(server, "/klaviyo", accepted);
    }

    public LeanSaasStandIn start() {
        server.start();
        return this;
    }

    /** The Shopify side: register the shops (token, bucket) the services call. */
    public ShopifyAdminStandIn shopify() {
        return shopify;
    }

    public KlaviyoStandIn klaviyo() {
        return klaviyo;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
