package io.customerflow.ingest.rest;

import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.customerflow.ingest.messaging.PublishFailedException;
import io.customerflow.ingest.reconcile.PassState;
import io.customerflow.ingest.reconcile.Reconciler;
import io.customerflow.ingest.service.InvalidFieldException;
import io.smallrye.common.annotation.Blocking;

/**
 * Backfill of a shop's past orders, started by an operator with an API key that covers the shop. The request is
 * acknowledged once Kafka holds it; the replica running passes starts it, and any replica reports its progress.
 */
@Path(BackfillResource.PATH)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "apiKey")
@APIResponse(responseCode = "401", description = "Missing or unknown API key")
@APIResponse(responseCode = "403", description = "The API key does not cover this shop")
@Blocking
public class BackfillResource {

    static final String PATH = "/v1/backfills";

    /** {@code since}/{@code until}: a date ({@code 2026-01-31}, UTC midnight) or an ISO-8601 timestamp. */
    public record Request(@NotBlank String shop, @NotNull String since, String until) {
    }

    /**
     * What a backfill has done so far, and how long the rest should take at its rate. {@code readBy}: {@code bulk}
     * (one bulk operation), or {@code pages} (bulk reads off, or fallen back for {@code fallback}'s reason).
     */
    public record Progress(String shop, String status, OffsetDateTime since, OffsetDateTime until, long ordersTotal,
            long ordersScanned, long bookingsFound, long eventsPublished, Double ordersPerSecond, Long etaSeconds,
            OffsetDateTime startedAt, OffsetDateTime finishedAt, String problem, String readBy, String fallback) {

        static Progress of(PassState s) {
            Double rate = null;
            Long eta = null;
            if (s.startedAt() != null && s.ordersScanned() > 0) {
                OffsetDateTime end = s.finishedAt() != null ? s.finishedAt() : s.savedAt();
                double seconds = Math.max(0.001, Duration.between(s.startedAt(), end).toMillis() / 1000.0);
                rate = Math.round(s.ordersScanned() / seconds * 10) / 10.0;
                long left = Math.max(0, s.ordersTotal() - s.ordersScanned());
                eta = s.status() == PassState.Status.RUNNING ? Math.round(left / Math.max(rate, 0.1)) : 0L;
            }
            return new Progress(s.shop(), s.status().name().toLowerCase(), s.since(), s.until(), s.ordersTotal(),
                    s.ordersScanned(), s.bookingsFound(), s.eventsPublished(), rate, eta, s.startedAt(),
                    s.finishedAt(), s.problem(), s.bulk() == null || s.bulk().paging() ? "pages" : "bulk",
                    s.bulk() == null ? null : s.bulk().fallback());
        }
    }

    private final Reconciler reconciler;
    private final BookingClient caller;

    public BackfillResource(Reconciler reconciler, BookingClient caller) {
        this.reconciler = reconciler;
        this.caller = caller;
    }

    @POST
    @Operation(summary = "Start a backfill", description = "Publishes every booking of the orders created in "
            + "[since, until] (until: now) as historical events; orders ingest already published are skipped.")
    @APIResponse(responseCode = "202", description = "Requested; Location is where its progress is")
    @APIResponse(responseCode = "400", description = "A malformed or inverted date range")
    @APIResponse(responseCode = "409", description = "A backfill of this shop is already running")
    @APIResponse(responseCode = "422", description = "The shop is not in ingest.shops (no token to read its orders)")
    public Response start(@Valid @NotNull Request request) {
        String shop = request.shop().trim();
        authorize(shop);
        OffsetDateTime since = time("since", request.since());
        OffsetDateTime until = request.until() == null || request.until().isBlank() ? null
                : time("until", request.until());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        if (since.isAfter(now)) {
            throw new InvalidFieldException("since", "is in the future");
        }
        if (until != null && !until.isAfter(since)) {
            throw new InvalidFieldException("until", "must be after since");
        }
        if (!reconciler.knows(shop)) {
            return io.customerflow.problem.Problem.response(422, "Unprocessable Content", shop
                    + " is not in ingest.shops: set ingest.shops.<name>.domain and .access-token to read its orders");
        }
        var current = reconciler.backfill(shop).orElse(null);
        if (current != null && (current.status() == PassState.Status.RUNNING
                || current.status() == PassState.Status.REQUESTED)) {
            return io.customerflow.problem.Problem.response(Response.Status.CONFLICT,
                    "a backfill of " + shop + " is already " + current.status().name().toLowerCase());
        }
        PassState requested;
        try {
            requested = reconciler.requestBackfill(shop, since, until).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new PublishFailedException("the backfill request was not acknowledged by Kafka: " + e);
        }
        return Response.accepted(Progress.of(requested))
                .location(java.net.URI.create(PATH + "/" + shop)).build();
    }

    @GET
    @Path("{shop}")
    @Operation(summary = "A backfill's progress", description = "Orders in the window, scanned so far, bookings "
            + "found, rate and ETA.")
    @APIResponse(responseCode = "200", description = "The shop's last backfill")
    @APIResponse(responseCode = "404", description = "No backfill of this shop")
    public Progress progress(@PathParam("shop") String shop) {
        authorize(shop);
        return reconciler.backfill(shop).map(Progress::of)
                .orElseThrow(() -> new NotFoundException("no backfill of " + shop));
    }

    private void authorize(String shop) {
        if (!caller.get().mayBookFor(shop)) {
            throw new ForbiddenException("this API key does not cover " + shop);
        }
    }

    private static OffsetDateTime time(String field, String value) {
        String v = value.trim();
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay().atOffset(ZoneOffset.UTC)
                    : OffsetDateTime.parse(v);
        } catch (DateTimeParseException e) {
            throw new InvalidFieldException(field, "must be a date (2026-01-31) or an ISO-8601 timestamp");
        }
    }
}
