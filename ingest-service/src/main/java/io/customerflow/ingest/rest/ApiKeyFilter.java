package io.customerflow.ingest.rest;

import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.customerflow.ingest.service.ApiKeys;
import io.customerflow.problem.Problem;

/**
 * Authenticates API clients (instant bookings, backfills) before their body is even read: an unknown key gets 401 whatever it
 * sends. The client found is kept for the resource, which checks the shop scope (403).
 */
public class ApiKeyFilter {

    static final String PATH = "/v1/instant-bookings";

    private final ApiKeys keys;
    private final Caller caller;
    private final io.customerflow.problem.TokenDigests<String> operators;

    public ApiKeyFilter(ApiKeys keys, Caller caller, io.customerflow.ingest.config.IngestConfig config) {
        this.keys = keys;
        this.caller = caller;
        this.operators = new io.customerflow.problem.TokenDigests<>(config.operators().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(e -> e.getValue().keySha256(), e -> e.getKey(),
                        (a, b) -> a)));
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> authenticate(ContainerRequestContext request) {
        // A prefix test, not an exact one: a path the router still matches to the resource (e.g. with matrix
        // parameters, ";x=1") must not slip past authentication.
        String path = request.getUriInfo().getPath();
        if (path.startsWith(ShopsResource.PATH)) { // the registry: operator keys only, never a booking key
            return operators.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION)).isPresent()
                    ? Optional.empty() : Optional.of(unauthorized("missing or unknown operator key"));
        }
        if (!path.startsWith(PATH) && !path.startsWith(BackfillResource.PATH)
                && !path.startsWith(CheckoutBookingResource.PATH)) {
            return Optional.empty();
        }
        Optional<ApiKeys.Client> client = keys.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (client.isEmpty()) {
            return Optional.of(unauthorized("missing or unknown API key"));
        }
        caller.set(client.get());
        return Optional.empty();
    }

    private static Response unauthorized(String detail) {
        Response problem = Problem.response(Response.Status.UNAUTHORIZED, detail);
        problem.getHeaders().add(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        return problem;
    }

    /** The authenticated instant-booking client of the current request. */
    @RequestScoped
    public static class Caller {
        private ApiKeys.Client client;

        void set(ApiKeys.Client client) {
            this.client = client;
        }

        /** @throws NotAuthorizedException (401) if the request somehow reached a resource unauthenticated */
        public ApiKeys.Client get() {
            if (client == null) {
                throw new NotAuthorizedException("missing or unknown API key", "Bearer");
            }
            return client;
        }
    }
}
