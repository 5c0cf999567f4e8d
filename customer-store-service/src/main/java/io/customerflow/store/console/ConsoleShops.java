package io.customerflow.store.console;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.customerflow.events.ShopCommand;
import io.customerflow.store.messaging.ShopCommandWriter;
import io.customerflow.store.messaging.ShopDirectory;
import io.customerflow.store.model.ShopView;
import io.customerflow.store.repository.ConsoleQueries;
import io.customerflow.store.service.ShopStates;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The operator's Shops pages (docs/SHOPS.md, "Shop health"): every shop of the registry the operator's token reads,
 * searched, filtered by state and paged; one shop's health, settings (never a secret), backfill progress and the two
 * actions, a backfill and a subscription check. An action needs the session's CSRF token, is put on the commands topic
 * for ingest (answered once Kafka has it), and is listed on the audit page: who, what, when.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsoleShops {

    static final int PAGE_SIZE = 50;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance shops(Frame frame, ShopDirectory.Page result, List<String> states, String q,
                String state, String pageLink, int shownPage, Integer previous, Integer next);

        static native TemplateInstance shop(Frame frame, ShopView shop, long bookings24h, String notice,
                String error, boolean mayAct);

        static native TemplateInstance audit(Frame frame, List<ShopCommand> commands);
    }

    private final ShopDirectory directory;
    private final ShopCommandWriter commands;
    private final ConsoleQueries queries;
    private final ConsoleFrames frames;
    private final ConsoleFilter.Caller caller;

    public ConsoleShops(ShopDirectory directory, ShopCommandWriter commands, ConsoleQueries queries,
            ConsoleFrames frames, ConsoleFilter.Caller caller) {
        this.directory = directory;
        this.commands = commands;
        this.queries = queries;
        this.frames = frames;
        this.caller = caller;
    }

    @GET
    @Path("shops")
    public Uni<TemplateInstance> shops(@QueryParam("q") String q, @QueryParam("state") String state,
            @QueryParam("page") String page) {
        var client = caller.session().client();
        String query = q == null || q.isBlank() ? null : q.trim();
        String stateFilter = state != null && ShopStates.STATES.contains(state) ? state : null;
        int pageNumber = page != null && page.matches("[0-9]{1,6}") ? Integer.parseInt(page) : 0;
        // A filter over every shop: on a worker, not the event loop.
        return frames.of(caller, "shops", null).emitOn(Infrastructure.getDefaultWorkerPool()).map(frame -> {
            var result = directory.page(client::mayRead, query, stateFilter, pageNumber, PAGE_SIZE);
            String link = "/console/shops?q=" + (query == null ? "" : java.net.URLEncoder.encode(query,
                    java.nio.charset.StandardCharsets.UTF_8)) + "&state=" + (stateFilter == null ? "" : stateFilter);
            return Templates.shops(frame, result, ShopStates.STATES, query, stateFilter, link, result.page() + 1,
                    result.page() > 0 ? result.page() - 1 : null,
                    result.page() + 1 < result.pages() ? result.page() + 1 : null).setLocale(caller.locale());
        });
    }

    @GET
    @Path("shops/{shop}")
    public Uni<Response> shop(@PathParam("shop") String shop, @QueryParam("done") String done) {
        return page(shop, "backfill".equals(done) || "check-subscriptions".equals(done) ? done : null, null,
                Response.Status.OK);
    }

    @POST
    @Path("shops/{shop}/backfill")
    public Uni<Response> backfill(@PathParam("shop") String shop, @FormParam("csrf") String csrf,
            @FormParam("since") String since, @FormParam("until") String until) {
        ShopView view = checked(shop, csrf);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate from = date(since);
        LocalDate to = until == null || until.isBlank() ? null : date(until);
        if (from == null || from.isAfter(today)) {
            return page(shop, null, "since", Response.Status.BAD_REQUEST);
        }
        if (until != null && !until.isBlank() && (to == null || to.isBefore(from))) {
            return page(shop, null, "until", Response.Status.BAD_REQUEST);
        }
        if (!"installed".equals(view.registered().status())) {
            return page(shop, null, "not-installed", Response.Status.CONFLICT);
        }
        if (view.backfill() != null && view.backfill().active()) {
            return page(shop, null, "running", Response.Status.CONFLICT);
        }
        // Days in UTC, both included: the last day runs to the next one's midnight.
        return send(new ShopCommand(UUID.randomUUID().toString(), shop, ShopCommand.BACKFILL, by(), now(),
                from.atStartOfDay().atOffset(ZoneOffset.UTC),
                to == null ? null : to.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC)));
    }

    @POST
    @Path("shops/{shop}/check-subscriptions")
    public Uni<Response> checkSubscriptions(@PathParam("shop") String shop, @FormParam("csrf") String csrf) {
        ShopView view = checked(shop, csrf);
        if (!"installed".equals(view.registered().status())) {
            return page(shop, null, "not-installed", Response.Status.CONFLICT);
        }
        return send(new ShopCommand(UUID.randomUUID().toString(), shop, ShopCommand.CHECK_SUBSCRIPTIONS, by(), now(),
                null, null));
    }

    @GET
    @Path("audit")
    public Uni<TemplateInstance> audit() {
        var client = caller.session().client();
        return frames.of(caller, "audit", null).map(frame -> Templates.audit(frame,
                directory.audit(client::mayRead, 500)).setLocale(caller.locale()));
    }

    /** The shop page, with a notice of what was just requested or the form's error, in the status given. */
    private Uni<Response> page(String shop, String notice, String error, Response.Status status) {
        boolean mayAct = caller.session().client().mayAct(shop);
        return frames.of(caller, "shops", shop).flatMap(frame -> {
            ShopView view = directory.find(shop).orElseThrow(NotFoundException::new);
            return queries.bookingsSince(shop, now().minusHours(24)).map(count -> Response.status(status)
                    .type("text/html; charset=UTF-8").entity(Templates.shop(frame, view, count, notice, error,
                            mayAct).setLocale(caller.locale()).render())
                    .build());
        });
    }

    /**
     * The shop the action is for, when the form is ours (the session's CSRF token) and the operator may read the shop.
     *
     * @throws jakarta.ws.rs.ForbiddenException otherwise (a console page in the operator's language)
     * @throws NotFoundException for a shop the registry does not have
     */
    private ShopView checked(String shop, String csrf) {
        var session = caller.session();
        if (!ConsoleSessions.matches(session.csrf(), csrf) || !session.client().mayAct(shop)) {
            throw new jakarta.ws.rs.ForbiddenException("the form's CSRF token is missing or wrong, or this token may"
                    + " not ask for work on the shop (store.api.clients.<name>.console-actions)");
        }
        return directory.find(shop).orElseThrow(NotFoundException::new);
    }

    private Uni<Response> send(ShopCommand command) {
        // On a worker: the first write creates the topic and fetches metadata (blocking calls). The page shown on a
        // failure reads the database, which Hibernate Reactive does on the request's own Vert.x context: back there.
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        return Uni.createFrom().completionStage(() -> commands.write(command))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(Duration.ofSeconds(10)).fail()
                .emitOn(task -> context.runOnContext(v -> task.run()))
                .map(v -> Response.seeOther(URI.create("/console/shops/" + command.shop() + "?done="
                        + command.action())).build())
                .onFailure().recoverWithUni(e -> page(command.shop(), null, "unavailable",
                        Response.Status.SERVICE_UNAVAILABLE));
    }

    private String by() {
        return caller.session().client().name();
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static LocalDate date(String text) {
        try {
            return text == null ? null : LocalDate.parse(text.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @ServerExceptionMapper
    public Uni<Response> forbidden(jakarta.ws.rs.ForbiddenException e) {
        return ConsolePages.refused(frames, caller, Response.Status.FORBIDDEN);
    }

    @ServerExceptionMapper
    public Uni<Response> notFound(NotFoundException e) {
        return ConsolePages.refused(frames, caller, Response.Status.NOT_FOUND);
    }
}
