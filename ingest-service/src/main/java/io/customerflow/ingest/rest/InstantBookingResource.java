package io.customerflow.ingest.rest;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

import io.customerflow.events.BookingEvent;
import io.customerflow.events.EventRecord;
import io.customerflow.events.EventType;
import io.customerflow.ingest.messaging.EventPublisher;
import io.customerflow.ingest.service.InstantBookings;
import io.smallrye.mutiny.Uni;

/** Instant bookings: the customer skipped checkout, so this call is the only record of them. */
@Path(InstantBookingResource.PATH)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "apiKey")
@APIResponse(responseCode = "400", description = "Invalid body: problem+json naming each bad field")
@APIResponse(responseCode = "401", description = "Missing or unknown API key")
@APIResponse(responseCode = "403", description = "The API key may not book for this shop")
@APIResponse(responseCode = "503", description = "Kafka unavailable: retry after Retry-After seconds")
public class InstantBookingResource {

    static final String PATH = "/v1/instant-bookings";

    static final String BOOKING_ID = "[A-Za-z0-9_-]{1,64}";

    private final InstantBookings bookings;
    private final EventPublisher publisher;
    private final BookingClient caller;

    public InstantBookingResource(InstantBookings bookings, EventPublisher publisher, BookingClient caller) {
        this.bookings = bookings;
        this.publisher = publisher;
        this.caller = caller;
    }

    @POST
    @Operation(summary = "Book", description = "Publishes a booking-confirmed event; the same Idempotency-Key "
            + "always yields the same booking id. Without one, the same booking re-sent (same API client, shop, "
            + "customer email, service id and start) yields the same booking id too.")
    @APIResponse(responseCode = "202", description = "Stored in Kafka; the body holds the booking id")
    public Uni<Response> create(@Valid @NotNull InstantBookingRequests.Create request,
            @HeaderParam("Idempotency-Key") @Size(max = 255) String idempotencyKey) {
        authorize(request.shop());
        String id = InstantBookings.bookingId(caller.get().name(), request.shop(), idempotencyKey, request);
        return publish(bookings.confirmed(id, request), "confirmed");
    }

    @POST
    @Path("{id}/reschedule")
    @Operation(summary = "Reschedule", description = "Publishes a booking-rescheduled event with the new start.")
    @APIResponse(responseCode = "202", description = "Stored in Kafka")
    public Uni<Response> reschedule(@PathParam("id") @Pattern(regexp = BOOKING_ID) String id,
            @Valid @NotNull InstantBookingRequests.Reschedule request) {
        authorize(request.shop());
        return publish(bookings.rescheduled(id, request), "rescheduled");
    }

    @POST
    @Path("{id}/cancel")
    @Operation(summary = "Cancel", description = "Publishes a booking-cancelled event.")
    @APIResponse(responseCode = "202", description = "Stored in Kafka")
    public Uni<Response> cancel(@PathParam("id") @Pattern(regexp = BOOKING_ID) String id,
            @Valid @NotNull InstantBookingRequests.Cancel request) {
        authorize(request.shop());
        return publish(bookings.cancelled(id, request), "cancelled");
    }

    @POST
    @Path("{id}/complete")
    @Operation(summary = "Completed", description = "Publishes a booking-completed event: the visit took place. "
            + "A booking id this service has not seen is accepted too: the step is kept until its booking arrives "
            + "(the booking and the step may travel different ways and cross).")
    @APIResponse(responseCode = "202", description = "Stored in Kafka")
    public Uni<Response> complete(@PathParam("id") @Pattern(regexp = BOOKING_ID) String id,
            @Valid @NotNull InstantBookingRequests.Step request) {
        authorize(request.shop());
        return publish(bookings.instantStep(id, EventType.BOOKING_COMPLETED, request), "completed");
    }

    @POST
    @Path("{id}/no-show")
    @Operation(summary = "No-show", description = "Publishes a booking-no-show event: the customer did not come. "
            + "An unknown booking id is accepted and kept, as for complete.")
    @APIResponse(responseCode = "202", description = "Stored in Kafka")
    public Uni<Response> noShow(@PathParam("id") @Pattern(regexp = BOOKING_ID) String id,
            @Valid @NotNull InstantBookingRequests.Step request) {
        authorize(request.shop());
        return publish(bookings.instantStep(id, EventType.BOOKING_NO_SHOW, request), "no_show");
    }

    private void authorize(String shop) {
        if (!caller.get().mayBookFor(shop)) {
            throw new ForbiddenException("this API key may not book for " + shop);
        }
    }

    static Uni<Response> publish(EventPublisher publisher, EventRecord<BookingEvent> record, String status) {
        return publisher.publishAll(List.of(record)).onItem().transform(ok -> Response.accepted(
                new Accepted(record.data().bookingId(), status)).build());
    }

    private Uni<Response> publish(EventRecord<BookingEvent> record, String status) {
        return publish(publisher, record, status);
    }

    /** The body of a 202. */
    public record Accepted(String bookingId, String status) {
    }
}
