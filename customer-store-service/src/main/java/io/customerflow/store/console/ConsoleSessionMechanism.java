package io.customerflow.store.console;

import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;

/**
 * The console's session cookie as Quarkus Security sees it, beside the API's bearer tokens: the cookie goes to
 * {@link ConsoleIdentities}, which gives a valid, unrevoked session the role {@link ConsoleIdentities#OPERATOR}.
 * {@code quarkus.http.auth.permission.console} selects this mechanism for {@code /console/*} (scheme
 * {@value #SCHEME}) and the API's permission selects the bearer one, so a session cookie never opens the API and an
 * API token never opens a console page (and the cookie is not even read off the console's paths). Without a session
 * the browser is sent to the sign-in page.
 */
@ApplicationScoped
public class ConsoleSessionMechanism implements HttpAuthenticationMechanism {

    /** The name {@code quarkus.http.auth.permission.*.auth-mechanism} selects this mechanism by. */
    public static final String SCHEME = "console-session";
    static final String SIGN_IN = "/console/sign-in";

    /** A console session cookie, still to be checked. */
    public static final class SessionCookie extends BaseAuthenticationRequest {
        private final String value;

        SessionCookie(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        Cookie cookie = context.request().getCookie(ConsoleSessions.COOKIE);
        if (cookie == null || cookie.getValue().isEmpty() || !ConsoleFilter.isConsole(context.normalizedPath())) {
            return Uni.createFrom().optional(Optional.empty());
        }
        SessionCookie request = new SessionCookie(cookie.getValue());
        HttpSecurityUtils.setRoutingContextAttribute(request, context);
        // A forged, expired or signed-out cookie is no session: the caller is anonymous, and goes to sign in.
        return identities.authenticate(request).onFailure(AuthenticationFailedException.class).recoverWithNull();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(303, "Location", SIGN_IN));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(SessionCookie.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.COOKIE,
                ConsoleSessions.COOKIE, SCHEME));
    }

    /** After the bearer mechanism: where a path names no mechanism, a bearer token is tried (and challenged) first. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY - 100;
    }
}
