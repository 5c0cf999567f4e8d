package io.customerflow.ingest.rest;

import java.util.List;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.ingest.messaging.OverloadedException;
import io.customerflow.ingest.messaging.PublishFailedException;
import io.customerflow.ingest.service.BadPayloadException;
import io.customerflow.ingest.service.InvalidFieldException;
import io.customerflow.problem.Problem;
import io.quarkus.logging.Log;

/** ingest's own failures as problem+json; the ones every service shares are in {@code ProblemMappers}. */
public class ExceptionMappers {

    private final String retryAfter;

    public ExceptionMappers(IngestConfig config) {
        this.retryAfter = Integer.toString(config.delivery().retryAfterSeconds());
    }

    @ServerExceptionMapper
    public Response badPayload(BadPayloadException e) {
        if (e instanceof InvalidFieldException f) {
            return Problem.response(Response.Status.BAD_REQUEST, "invalid fields: " + f.field(),
                    List.of(new Problem.FieldError(f.field(), e.getMessage())));
        }
        return Problem.response(Response.Status.BAD_REQUEST, e.getMessage());
    }

    @ServerExceptionMapper
    public Response tokenRefused(io.customerflow.shopify.TokenRefusedException e) {
        return Problem.response(Response.Status.BAD_REQUEST, e.getMessage());
    }

    @ServerExceptionMapper
    public Response malformedShopifyAnswer(io.customerflow.ingest.service.ShopHandOvers.MalformedAnswerException e) {
        return Problem.response(Response.Status.BAD_GATEWAY, e.getMessage());
    }

    @ServerExceptionMapper
    public Response tokenEndpointDown(io.customerflow.shopify.ShopifyTokens.TokenEndpointUnavailableException e) {
        Response problem = Problem.response(Response.Status.SERVICE_UNAVAILABLE, "Shopify's token endpoint is "
                + "unavailable; retry later");
        problem.getHeaders().add("Retry-After", retryAfter);
        return problem;
    }

    @ServerExceptionMapper
    public Response registryUnavailable(io.customerflow.ingest.service.ShopInstalls.RegistryUnavailableException e) {
        Response problem = Problem.response(Response.Status.SERVICE_UNAVAILABLE, e.getMessage() + "; retry later");
        problem.getHeaders().add("Retry-After", retryAfter);
        return problem;
    }

    /** Shed at once: counted ({@code ingest_publish_shed_total}), not logged per request (that is the overload). */
    @ServerExceptionMapper
    public Response overloaded(OverloadedException e) {
        Response problem = Problem.response(Response.Status.SERVICE_UNAVAILABLE, "ingest is at capacity; retry later");
        problem.getHeaders().add("Retry-After", retryAfter);
        return problem;
    }

    @ServerExceptionMapper
    public Response kafkaUnavailable(PublishFailedException e) {
        Log.warnf("publish failed, answering 503: %s", e.getMessage());
        Response problem = Problem.response(Response.Status.SERVICE_UNAVAILABLE,
                "events could not be stored; retry later");
        problem.getHeaders().add("Retry-After", retryAfter);
        return problem;
    }
}
