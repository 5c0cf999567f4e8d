package io.customerflow.store.rest;

import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.customerflow.problem.Problem;
import io.vertx.core.http.HttpServerRequest;

/**
 * The query API ({@code /v1/...}) takes a bearer token of a configured client ({@link StoreClients}): 401 without
 * one, 403 when a {@code shop} asked for is not one the token reads, 429 after too many failures from one address
 * ({@link FailedAuthentications}). Health, metrics, OpenAPI and the console (its own
 * sign-in) stay out of it.
 */
public class BearerTokenFilter {

    private final StoreClients clients;
    private final FailedAuthentications failures;

    public BearerTokenFilter(StoreClients clients, FailedAuthentications failures) {
        this.clients = clients;
        this.failures = failures;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> authenticate(ContainerRequestContext request, HttpServerRequest http) {
        if (!request.getUriInfo().getPath().startsWith("/v1/")) {
            return Optional.empty();
        }
        String address = http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
        Optional<java.time.Duration> wait = failures.blocked(address);
        if (wait.isPresent()) {
            return Optional.of(FailedAuthentications.tooMany(wait.get()));
        }
        Optional<StoreClients.Client> client = clients.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (client.isEmpty()) {
            failures.failed(address);
            Response problem = Problem.response(Response.Status.UNAUTHORIZED, "missing or invalid bearer token");
            problem.getHeaders().add(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            return Optional.of(problem);
        }
        // Every query names its shop; each one given must be the token's (a repeated ?shop= can't smuggle another).
        List<String> shops = request.getUriInfo().getQueryParameters().getOrDefault("shop", List.of());
        for (String shop : shops) {
            if (!client.get().mayRead(shop)) {
                return Optional.of(Problem.response(Response.Status.FORBIDDEN, "this token may not read that shop"));
            }
        }
        return Optional.empty();
    }
}
