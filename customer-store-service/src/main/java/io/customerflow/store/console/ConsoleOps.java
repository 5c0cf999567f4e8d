package io.customerflow.store.console;

import java.util.List;
import java.util.TreeMap;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.customerflow.store.config.StoreConfig;
import io.customerflow.store.messaging.ConsumerLag;
import io.customerflow.store.messaging.DeadLetterTail;
import io.customerflow.store.messaging.FlowTriggerActivity;
import io.customerflow.store.model.DataExportView;
import io.customerflow.store.repository.ConsoleQueries;
import io.customerflow.store.repository.CustomerQueries;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.Uni;

/** The operator's pages: sync health of the consumers, privacy requests, the shop's Flow triggers. */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsoleOps {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance health(Frame frame, List<ConsumerHealth> consumers);

        static native TemplateInstance privacy(Frame frame, List<DataExportView> exports,
                List<ConsoleQueries.Redaction> redactions);

        static native TemplateInstance flow(Frame frame, List<FlowTriggerActivity.Row> triggers);
    }

    /** One consumer on the sync-health page: its groups' lag and the dead letters its reader may see. */
    public record ConsumerHealth(String name, List<ConsumerLag.Lag> lags, DeadLetterTail.Summary deadLetters) {
    }

    private final StoreConfig config;
    private final ConsumerLag lag;
    private final DeadLetterTail deadLetters;
    private final CustomerQueries queries;
    private final ConsoleQueries consoleQueries;
    private final ConsoleFrames frames;
    private final ConsoleFilter.Caller caller;
    private final FlowTriggerActivity flow;

    public ConsoleOps(StoreConfig config, ConsumerLag lag, DeadLetterTail deadLetters, CustomerQueries queries,
            ConsoleQueries consoleQueries, ConsoleFrames frames, ConsoleFilter.Caller caller, FlowTriggerActivity flow) {
        this.flow = flow;
        this.config = config;
        this.lag = lag;
        this.deadLetters = deadLetters;
        this.queries = queries;
        this.consoleQueries = consoleQueries;
        this.frames = frames;
        this.caller = caller;
    }

    /**
     * Lag is the whole group's (no shop in it); dead letters only of the shops the operator reads (a record of no
     * shop only to an operator of every shop).
     */
    @GET
    @Path("health")
    public Uni<TemplateInstance> health(@QueryParam("shop") String shop) {
        var client = caller.session().client();
        var locale = caller.locale();
        // The shops come from the database (event loop); the lag from Kafka's admin client (blocking: a worker).
        return frames.of(caller, "health", shop).emitOn(Infrastructure.getDefaultWorkerPool()).map(frame -> {
            var consumers = new TreeMap<>(config.console().consumers()).entrySet().stream()
                    .map(c -> new ConsumerHealth(c.getKey(), c.getValue().stream().map(lag::of).toList(),
                            deadLetters.summary(c.getKey(), s -> s.isEmpty() ? client.shops().contains("*")
                                    : client.mayRead(s), config.console().newestDeadLetters())))
                    .toList();
            return Templates.health(frame, consumers).setLocale(locale);
        });
    }

    @GET
    @Path("privacy")
    public Uni<TemplateInstance> privacy(@QueryParam("shop") String shop) {
        return frames.of(caller, "privacy", shop).flatMap(frame -> frame.shop() == null
                ? Uni.createFrom().item(Templates.privacy(frame, List.of(), List.of()).setLocale(caller.locale()))
                : queries.exports(frame.shop()).flatMap(exports -> consoleQueries.redactions(frame.shop(), 100)
                        .map(redactions -> Templates.privacy(frame, exports, redactions).setLocale(caller.locale()))));
    }

    /** The shop's Flow triggers: used by a workflow or not, sent and refused in the last 24 hours. */
    @GET
    @Path("flow")
    public Uni<TemplateInstance> flow(@QueryParam("shop") String shop) {
        return frames.of(caller, "flow", shop).map(frame -> Templates.flow(frame,
                frame.shop() == null ? List.of() : flow.rows(frame.shop())).setLocale(caller.locale()));
    }

    /** One data-request export, as the JSON the merchant sends on to the customer. */
    @GET
    @Path("privacy/exports/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> export(@PathParam("id") long id, @QueryParam("shop") String shop) {
        return frames.of(caller, "privacy", shop).flatMap(frame -> queries.exports(frame.shop()).map(exports -> {
            DataExportView export = exports.stream().filter(e -> e.id() == id).findFirst()
                    .orElseThrow(NotFoundException::new);
            return Response.ok(export).header("Content-Disposition",
                    "attachment; filename=\"data-request-" + id + ".json\"").build();
        }));
    }

    /** As on the other console pages: a page in the operator's language, not the API's problem+json. */
    @ServerExceptionMapper
    public Uni<Response> forbidden(jakarta.ws.rs.ForbiddenException e) {
        return ConsolePages.refused(frames, caller, Response.Status.FORBIDDEN);
    }

    @ServerExceptionMapper
    public Uni<Response> notFound(NotFoundException e) {
        return ConsolePages.refused(frames, caller, Response.Status.NOT_FOUND);
    }
}
