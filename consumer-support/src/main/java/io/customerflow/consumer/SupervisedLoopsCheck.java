package io.customerflow.consumer;

import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Every service's readiness says whether its {@link SupervisedLoop}s work: DOWN while one is down after a failure,
 * naming it with its restarts and last failure type; UP (with no data) in a service that runs none.
 */
@Readiness
@ApplicationScoped
public class SupervisedLoopsCheck implements HealthCheck {

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("background-loops").status(allUp());
        states().forEach(response::withData);
        return response.build();
    }

    /** Whether every loop is up. */
    public static boolean allUp() {
        return SupervisedLoop.all().stream().allMatch(SupervisedLoop::isUp);
    }

    /** Per loop: "up (N restarts)" or "down (N restarts, last Type)". */
    public static Map<String, String> states() {
        Map<String, String> states = new TreeMap<>();
        for (SupervisedLoop loop : SupervisedLoop.all()) {
            states.put(loop.name(), loop.isUp() ? "up (" + loop.restarts() + " restarts)"
                    : "down (" + loop.restarts() + " restarts, last " + loop.lastFailure() + ")");
        }
        return states;
    }
}
