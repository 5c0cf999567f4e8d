package io.customerflow.store.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.customerflow.problem.Problem;
import io.customerflow.store.config.StoreConfig;

/** The query API ({@code /v1/...}) takes a bearer token from config; health, metrics and OpenAPI stay open. */
public class BearerTokenFilter {

    private final List<byte[]> tokens;

    public BearerTokenFilter(StoreConfig config) {
        this.tokens = config.api().tokens().stream().filter(t -> !t.isBlank())
                .map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/v1/")) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            boolean valid = false;
            for (byte[] token : tokens) {
                valid |= MessageDigest.isEqual(token, given);
            }
            if (valid) {
                return Optional.empty();
            }
        }
        Response problem = Problem.response(Response.Status.UNAUTHORIZED, "missing or invalid bearer token");
        problem.getHeaders().add(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        return Optional.of(problem);
    }
}
