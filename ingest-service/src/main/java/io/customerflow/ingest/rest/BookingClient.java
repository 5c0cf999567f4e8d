package io.customerflow.ingest.rest;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.customerflow.ingest.service.ApiKeys;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/**
 * The booking app calling, as Quarkus Security authenticated it ({@link KeyIdentities}); resources check its shops.
 * Filled in by {@link Resolve} from the request's deferred identity, so a resource on the event loop never blocks
 * to authenticate.
 */
@RequestScoped
public class BookingClient {

    private ApiKeys.Client client;

    void set(ApiKeys.Client client) {
        this.client = client;
    }

    /** @throws UnauthorizedException (401) if the request reached a booking resource without a booking key */
    public ApiKeys.Client get() {
        if (client == null) {
            throw new UnauthorizedException();
        }
        return client;
    }

    /** Reads the identity once, without blocking, before any resource method runs. */
    public static class Resolve {

        private final CurrentIdentityAssociation identity;
        private final BookingClient caller;

        public Resolve(CurrentIdentityAssociation identity, BookingClient caller) {
            this.identity = identity;
            this.caller = caller;
        }

        @ServerRequestFilter
        public Uni<Void> resolve(ContainerRequestContext request) {
            if (!request.getUriInfo().getPath().startsWith("/v1/")) {
                return Uni.createFrom().voidItem();
            }
            return identity.getDeferredIdentity().invoke(id -> caller.set(id.getAttribute(KeyIdentities.CLIENT)))
                    .replaceWithVoid();
        }
    }
}
