package io.customerflow.store.console;

import java.net.URI;
import java.util.Optional;

import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.customerflow.store.repository.RevokedSessions;
import io.customerflow.store.rest.FailedAuthentications;
import io.customerflow.store.rest.StoreClients;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * Signing in and out of the console with a store API token. A wrong token shows the form again with one message,
 * never which part was wrong; the token is neither logged nor kept (the session cookie names the client only). Too
 * many failures from one address get the form with 429 and {@code Retry-After} ({@link FailedAuthentications}).
 */
@Path("/console")
public class ConsoleSignIn {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signIn(String lang, String csrf, boolean failed);
    }

    private final StoreClients clients;
    private final ConsoleSessions sessions;
    private final ConsoleFilter.Caller caller;
    private final FailedAuthentications failures;
    private final RevokedSessions revoked;

    public ConsoleSignIn(StoreClients clients, ConsoleSessions sessions, ConsoleFilter.Caller caller,
            FailedAuthentications failures, RevokedSessions revoked) {
        this.clients = clients;
        this.sessions = sessions;
        this.caller = caller;
        this.failures = failures;
        this.revoked = revoked;
    }

    @GET
    @Path("sign-in")
    @Produces(MediaType.TEXT_HTML)
    public Response form() {
        return form(false, Response.Status.OK);
    }

    @POST
    @Path("sign-in")
    @Produces(MediaType.TEXT_HTML)
    public Response signIn(@FormParam("token") String token, @FormParam("csrf") String csrf,
            @CookieParam(ConsoleSessions.SIGN_IN_COOKIE) String nonce, @Context HttpServerRequest http) {
        String address = http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
        Optional<java.time.Duration> wait = failures.blocked(address);
        if (wait.isPresent()) {
            Response tooMany = form(true, Response.Status.TOO_MANY_REQUESTS);
            tooMany.getHeaders().add("Retry-After", Long.toString(Math.max(1, wait.get().toSeconds())));
            return tooMany;
        }
        boolean formIsOurs = nonce != null && ConsoleSessions.matches(sessions.signInCsrf(nonce), csrf);
        Optional<StoreClients.Client> client = formIsOurs ? clients.signIn(token) : Optional.empty();
        if (client.isEmpty()) {
            failures.failed(address);
            return form(true, Response.Status.UNAUTHORIZED);
        }
        return Response.seeOther(URI.create("/console/customers"))
                .header(HttpHeaders.SET_COOKIE, ConsoleCookies.session(sessions.open(client.get()),
                        sessions.ttlSeconds(), caller.secure()))
                .header(HttpHeaders.SET_COOKIE, ConsoleCookies.cleared(ConsoleSessions.SIGN_IN_COOKIE, caller.secure()))
                .build();
    }

    /**
     * Needs the session's CSRF token: another site can't sign the operator out (nor in). The session is revoked in
     * the database before the answer, so a copy of its cookie no longer works anywhere.
     */
    @POST
    @Path("sign-out")
    public Uni<Response> signOut(@FormParam("csrf") String csrf) {
        ConsoleSessions.Session session = caller.session();
        if (!ConsoleSessions.matches(session.csrf(), csrf)) {
            return Uni.createFrom().item(Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_PLAIN)
                    .entity("the form's CSRF token is missing or wrong").build());
        }
        boolean secure = caller.secure();
        return revoked.revoke(session.nonceSha256(), session.expiresAt()).map(done -> Response
                .seeOther(URI.create("/console/sign-in"))
                .header(HttpHeaders.SET_COOKIE, ConsoleCookies.cleared(ConsoleSessions.COOKIE, secure))
                .build());
    }

    private Response form(boolean failed, Response.Status status) {
        String nonce = sessions.signInNonce();
        TemplateInstance page = Templates.signIn(ConsoleLocales.tag(caller.locale()), sessions.signInCsrf(nonce), failed)
                .setLocale(caller.locale());
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page)
                .header(HttpHeaders.SET_COOKIE, ConsoleCookies.signIn(nonce, caller.secure())).build();
    }
}
