package io.customerflow.store.rest;

import java.util.List;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.customerflow.problem.Problem;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/**
 * Every query names its shop; each one given must be one the token reads (403 otherwise), so a repeated
 * {@code ?shop=} can't smuggle another shop in. Who the token is was settled by Quarkus Security
 * ({@link TokenIdentities}); the path's permission (role {@code api-client}) is checked there too.
 */
public class ShopScopeFilter {

    private final CurrentIdentityAssociation identity;

    public ShopScopeFilter(CurrentIdentityAssociation identity) {
        this.identity = identity;
    }

    @ServerRequestFilter
    public Uni<Response> shopScope(ContainerRequestContext request) {
        List<String> shops = request.getUriInfo().getQueryParameters().getOrDefault("shop", List.of());
        if (!request.getUriInfo().getPath().startsWith("/v1/") || shops.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return identity.getDeferredIdentity().map(id -> {
            StoreClients.Client client = id.getAttribute(TokenIdentities.CLIENT);
            if (client == null) {
                return null; // anonymous: the path's permission answers 401
            }
            boolean allowed = shops.stream().allMatch(client::mayRead);
            return allowed ? null : Problem.response(Response.Status.FORBIDDEN, "this token may not read that shop");
        });
    }
}
