package io.customerflow.klaviyo;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A loopback stand-in for Klaviyo that records every request and can enforce Klaviyo's rate limits. */
public class KlaviyoStubResource implements QuarkusTestResourceLifecycleManager {

    static WireMockServer server;

    @Override
    public synchronized Map<String, String> start() {
        if (server == null) {
            server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
                    .containerThreads(64).extensions(new RateLimitEnforcer(), new SpecConformance()));
            server.start();
        }
        return Map.of("klaviyo.base-url", "http://127.0.0.1:" + server.port());
    }

    @Override
    public void stop() {
        // shared by the module's test classes
    }
}
