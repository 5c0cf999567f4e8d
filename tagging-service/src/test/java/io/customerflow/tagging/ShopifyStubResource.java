package io.customerflow.tagging;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A loopback stand-in for Shopify Admin GraphQL: every shop's endpoint at {@code /{shop}/admin/api/...}. */
public class ShopifyStubResource implements QuarkusTestResourceLifecycleManager {

    static WireMockServer server;

    @Override
    public synchronized Map<String, String> start() {
        if (server == null) {
            server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").asynchronousResponseEnabled(true));
            server.start();
        }
        return Map.of("tagging.shopify.url-template",
                "http://127.0.0.1:" + server.port() + "/{shop}/admin/api/{version}/graphql.json");
    }

    @Override
    public void stop() {
        // kept for the module's other test classes; WireMock's threads end with the JVM
    }
}
