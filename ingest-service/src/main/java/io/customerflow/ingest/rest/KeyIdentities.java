package io.customerflow.ingest.rest;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.ingest.service.ApiKeys;
import io.customerflow.problem.TokenDigests;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Who a bearer key belongs to: a booking app's API key ({@link #BOOKING_CLIENT}: instant and checkout booking steps,
 * backfills, for its own shops) or a registry operator's key ({@link #OPERATOR}: {@code /v1/shops}). Both are kept
 * as SHA-256 digests. What each role opens is {@code quarkus.http.auth.permission.*} in application.properties;
 * an unknown key is a 401 whatever the path.
 */
@ApplicationScoped
public class KeyIdentities implements IdentityProvider<TokenAuthenticationRequest> {

    public static final String BOOKING_CLIENT = "booking-client";
    public static final String OPERATOR = "operator";
    /** The identity's attribute holding the {@link ApiKeys.Client} of a booking key. */
    static final String CLIENT = "booking-client";

    private final ApiKeys keys;
    private final TokenDigests<String> operators;

    public KeyIdentities(ApiKeys keys, IngestConfig config) {
        this.keys = keys;
        this.operators = new TokenDigests<>(config.operators().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getValue().keySha256(), Map.Entry::getKey, (a, b) -> a)));
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        Optional<ApiKeys.Client> client = keys.find(token);
        Optional<String> operator = operators.find(token);
        if (client.isEmpty() && operator.isEmpty()) {
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(client.map(ApiKeys.Client::name).orElseGet(operator::get)));
        client.ifPresent(c -> identity.addRole(BOOKING_CLIENT).addAttribute(CLIENT, c));
        operator.ifPresent(o -> identity.addRole(OPERATOR));
        return Uni.createFrom().item(identity.build());
    }
}
