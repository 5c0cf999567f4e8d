package io.customerflow.store.console;

import java.util.Locale;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.RoutingContext;

/**
 * Picks the console page's language: {@code ?lang=} (remembered in a cookie), else the cookie, else
 * {@code Accept-Language}. Each console answer carries a strict Content-Security-Policy: scripts and styles from this
 * origin only, no frames, forms posting here only. Who may see a page is Quarkus Security's (the session cookie:
 * {@link ConsoleSessionMechanism}, {@link ConsoleIdentities}; the paths: {@code quarkus.http.auth.permission.console}).
 */
public class ConsoleFilter {

    static final String LANG_COOKIE = "cf_lang";
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

    private final Caller caller;

    public ConsoleFilter(Caller caller) {
        this.caller = caller;
    }

    /** A console page's path (the pages, the sign-in, the actions). */
    public static boolean isConsole(String path) {
        return path.equals("/console") || path.startsWith("/console/");
    }

    @ServerRequestFilter(preMatching = true)
    public void language(ContainerRequestContext request) {
        if (!isConsole(request.getUriInfo().getPath())) {
            return;
        }
        String lang = request.getUriInfo().getQueryParameters().getFirst("lang");
        caller.set(ConsoleLocales.pick(lang, cookie(request, LANG_COOKIE),
                request.getHeaderString(HttpHeaders.ACCEPT_LANGUAGE)), ConsoleLocales.supported(lang) != null,
                "https".equals(request.getUriInfo().getRequestUri().getScheme())
                        || "https".equalsIgnoreCase(request.getHeaderString("X-Forwarded-Proto")));
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        if (isConsole(request.getUriInfo().getPath())) {
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
     * The signed-in operator of this request (from the identity Quarkus Security authenticated), its language and
     * whether it came over HTTPS. Set through methods: the filter holds a client proxy of this request-scoped bean,
     * whose own fields are not the request's.
     */
    @RequestScoped
    public static class Caller {
        private final CurrentVertxRequest request;
        private Locale locale = Locale.ENGLISH;
        private boolean langChosen;
        private boolean secure;

        public Caller(CurrentVertxRequest request) {
            this.request = request;
        }

        void set(Locale locale, boolean langChosen, boolean secure) {
            this.locale = locale;
            this.langChosen = langChosen;
            this.secure = secure;
        }

        boolean langChosen() {
            return langChosen;
        }

        /** @throws jakarta.ws.rs.NotAuthorizedException if a page somehow ran without a session */
        public ConsoleSessions.Session session() {
            RoutingContext context = request.getCurrent();
            ConsoleSessions.Session session = context != null && context.user() instanceof QuarkusHttpUser user
                    ? user.getSecurityIdentity().getAttribute(ConsoleIdentities.SESSION) : null;
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
