package io.customerflow.ingest.rest;

import java.util.Locale;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts instant-booking calls by action and outcome ({@code ingest.instant_bookings}). A response filter sees
 * every answer, including the ones given before the resource runs (401 from Quarkus Security, 400 from
 * validation or JSON parsing). Both tags come from fixed sets, so no client input reaches the metric's cardinality.
 */
public class InstantBookingMetrics {

    private final MeterRegistry registry;

    public InstantBookingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @ServerResponseFilter
    public void count(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith(InstantBookingResource.PATH)) {
            return;
        }
        Counter.builder("ingest.instant_bookings")
                .description("Instant-booking API calls by action and outcome")
                .tag("action", action(path))
                .tag("outcome", outcome(response.getStatus()))
                .register(registry).increment();
    }

    static String action(String path) {
        String rest = path.substring(InstantBookingResource.PATH.length());
        if (rest.isEmpty() || rest.equals("/")) {
            return "create";
        }
        String last = rest.substring(rest.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return switch (last) {
            case "reschedule" -> "reschedule";
            case "cancel" -> "cancel";
            default -> "other";
        };
    }

    static String outcome(int status) {
        return switch (status) {
            case 200, 201, 202 -> "accepted";
            case 400, 413, 415 -> "invalid";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 503 -> "unavailable";
            default -> status >= 500 ? "error" : "rejected";
        };
    }
}
