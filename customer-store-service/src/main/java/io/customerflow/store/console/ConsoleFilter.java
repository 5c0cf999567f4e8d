package io.customerflow.store.console;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.customerflow.store.repository.RevokedSessions;
import io.smallrye.mutiny.Uni;

/**
 * Every {@code /console} page but the sign-in needs a session: without one the browser goes to the sign-in page
 * (303), whatever it asked for. Picks the page language too: {@code ?lang=} (remembered in a cookie), else the cookie,
 * else {@code Accept-Language}. Each console answer carries a strict Content-Security-Policy: scripts and styles from
 * this origin only, no frames, forms posting here only.
 */
public class ConsoleFilter {

    static final String LANG_COOKIE = "cf_lang";
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    private final ConsoleSessions sessions;
    private final RevokedSessions revoked;
    private final Caller caller;

    public ConsoleFilter(ConsoleSessions sessions, RevokedSessions revoked, Caller caller) {
        this.sessions = sessions;
        this.revoked = revoked;
        this.caller = caller;
    }

    /** Answers null to let the request through, or the redirect to the sign-in page. */
    @ServerRequestFilter(preMatching = true)
    public Uni<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.equals("/console") && !path.startsWith("/console/")) {
            return Uni.createFrom().nullItem();
        }
        String lang = request.getUriInfo().getQueryParameters().getFirst("lang");
        caller.set(ConsoleLocales.pick(lang, cookie(request, LANG_COOKIE),
                request.getHeaderString(HttpHeaders.ACCEPT_LANGUAGE)), ConsoleLocales.supported(lang) != null,
                "https".equals(request.getUriInfo().getRequestUri().getScheme())
                        || "https".equalsIgnoreCase(request.getHeaderString("X-Forwarded-Proto")));
        if (path.equals("/console/sign-in")) {
            return Uni.createFrom().nullItem();
        }
        Optional<ConsoleSessions.Session> session = sessions.read(cookie(request, ConsoleSessions.COOKIE));
        if (session.isEmpty()) {
            return Uni.createFrom().item(toSignIn());
        }
        // A signed-out session's cookie (a copy kept somewhere) is refused on every replica.
        return revoked.isRevoked(session.get().nonceSha256()).map(isRevoked -> {
            if (isRevoked) {
                return toSignIn();
            }
            caller.signedIn(session.get());
            return null;
        });
    }

    private static Response toSignIn() {
        return Response.seeOther(URI.create("/console/sign-in")).build();
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (path.equals("/console") || path.startsWith("/console/")) {
            response.getHeaders().putSingle("Content-Security-Policy", CSP);
            response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
            response.getHeaders().putSingle("Referrer-Policy", "no-referrer");
            response.getHeaders().putSingle("Cache-Control", "no-store");
            if (caller.langChosen()) {
                response.getHeaders().add(HttpHeaders.SET_COOKIE, ConsoleCookies.lang(caller.locale(), caller.secure()));
            }
        }
    }

    private static String cookie(ContainerRequestContext request, String name) {
        Cookie c = request.getCookies().get(name);
        return c == null ? null : c.getValue();
    }

    /**
     * The signed-in operator of this request, its language and whether it came over HTTPS. Set through methods: the
     * filter holds a client proxy of this request-scoped bean, whose own fields are not the request's.
     */
    @RequestScoped
    public static class Caller {
        private ConsoleSessions.Session session;
        private Locale locale = Locale.ENGLISH;
        private boolean langChosen;
        private boolean secure;

        void set(Locale locale, boolean langChosen, boolean secure) {
            this.locale = locale;
            this.langChosen = langChosen;
            this.secure = secure;
        }

        void signedIn(ConsoleSessions.Session session) {
            this.session = session;
        }

        boolean langChosen() {
            return langChosen;
        }

        /** @throws jakarta.ws.rs.NotAuthorizedException if a page somehow ran without a session */
        public ConsoleSessions.Session session() {
            if (session == null) {
                throw new jakarta.ws.rs.NotAuthorizedException("not signed in", "Session");
            }
            return session;
        }

        public Locale locale() {
            return locale;
        }

        public boolean secure() {
            return secure;
        }
    }
}
