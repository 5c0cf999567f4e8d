package io.customerflow.store.console;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.store.repository.RevokedSessions;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Who a console session cookie belongs to: signed by {@code store.console.session-key}, not expired, its client
 * still configured with the same token ({@link ConsoleSessions#read}) and not signed out on any replica
 * ({@link RevokedSessions}). The identity has role {@link #OPERATOR}, the client's name as principal and the
 * {@link ConsoleSessions.Session} (shops, CSRF token) as attribute {@link #SESSION}. Anything else fails, and the
 * browser is sent to sign in.
 */
@ApplicationScoped
public class ConsoleIdentities implements IdentityProvider<ConsoleSessionMechanism.SessionCookie> {

    public static final String OPERATOR = "console-operator";
    static final String SESSION = "console-session";

    private final ConsoleSessions sessions;
    private final RevokedSessions revoked;

    public ConsoleIdentities(ConsoleSessions sessions, RevokedSessions revoked) {
        this.sessions = sessions;
        this.revoked = revoked;
    }

    @Override
    public Class<ConsoleSessionMechanism.SessionCookie> getRequestType() {
        return ConsoleSessionMechanism.SessionCookie.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ConsoleSessionMechanism.SessionCookie request,
            AuthenticationRequestContext context) {
        var session = sessions.read(request.value());
        if (session.isEmpty()) {
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        // A signed-out session's cookie (a copy kept somewhere) is refused on every replica.
        return revoked.isRevoked(session.get().nonceSha256()).map(isRevoked -> {
            if (isRevoked) {
                throw new AuthenticationFailedException();
            }
            return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(session.get().client().name()))
                    .addRole(OPERATOR).addAttribute(SESSION, session.get()).build();
        });
    }
}
