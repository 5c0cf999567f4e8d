package io.customerflow.store.rest;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.customerflow.problem.SecurityProblems;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Who a bearer token of the query API belongs to ({@link StoreClients}, kept as digests): role {@link #API_CLIENT},
 * with the client (and so its shops, checked by {@link ShopScopeFilter}) as an attribute. An address past
 * {@link FailedAuthentications}' limit is answered 429 before its token is even looked at, so tokens can't be
 * guessed at the speed of the network; every unknown token counts as a failure.
 */
@ApplicationScoped
public class TokenIdentities implements IdentityProvider<TokenAuthenticationRequest> {

    public static final String API_CLIENT = "api-client";
    /** The identity's attribute holding the {@link StoreClients.Client}. */
    static final String CLIENT = "store-client";

    private final StoreClients clients;
    private final FailedAuthentications failures;

    public TokenIdentities(StoreClients clients, FailedAuthentications failures) {
        this.clients = clients;
        this.failures = failures;
    }

    /** The failure's attribute saying how long an address that failed too often must wait. */
    static final String RETRY_AFTER = "retry-after";

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        RoutingContext http = HttpSecurityUtils.getRoutingContextAttribute(request);
        String address = http == null || http.request().remoteAddress() == null ? "unknown"
                : http.request().remoteAddress().hostAddress();
        Optional<Duration> wait = failures.blocked(address);
        if (wait.isPresent()) {
            return Uni.createFrom().failure(new AuthenticationFailedException(Map.of(RETRY_AFTER, wait.get())));
        }
        Optional<StoreClients.Client> client = clients.signIn(request.getToken().getToken());
        if (client.isEmpty()) {
            failures.failed(address);
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(client.get().name())).addRole(API_CLIENT)
                .addAttribute(CLIENT, client.get()).build());
    }

    /** 429 with {@code Retry-After} for an address that failed too often; else the shared 401. */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 200)
    public Response refused(AuthenticationFailedException e) {
        Duration wait = e.getAttribute(RETRY_AFTER);
        return wait != null ? FailedAuthentications.tooMany(wait) : SecurityProblems.unauthorized();
    }
}
