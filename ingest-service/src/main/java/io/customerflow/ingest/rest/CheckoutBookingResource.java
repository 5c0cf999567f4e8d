package io.customerflow.ingest.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.customerflow.events.EventType;
import io.customerflow.ingest.messaging.EventPublisher;
import io.customerflow.ingest.service.InstantBookings;
import io.smallrye.mutiny.Uni;

/**
 * Lifecycle steps of bookings bought at checkout, addressed as Shopify knows them: the order and its line item. The
 * booking app reports them (Shopify has no "appointment completed"); same API keys and rules as instant bookings.
 */
@Path(CheckoutBookingResource.PATH)
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "apiKey")
@APIResponse(responseCode = "400", description = "Invalid body or path: problem+json naming each bad field")
@APIResponse(responseCode = "401", description = "Missing or unknown API key")
@APIResponse(responseCode = "403", description = "The API key may not report for this shop")
@APIResponse(responseCode = "503", description = "Kafka unavailable: retry after Retry-After seconds")
public class CheckoutBookingResource {

    static final String PATH = "/v1/checkout-bookings";
    /** Shopify's numeric ids (a text path segment, so a bad one is a 400 naming it rather than a 404). */
    static final String SHOPIFY_ID = "[1-9][0-9]{0,17}";
    static final String ID_MESSAGE = "must be a Shopify numeric id";

    private final InstantBookings bookings;
    private final EventPublisher publisher;
    private final BookingClient caller;

    public CheckoutBookingResource(InstantBookings bookings, EventPublisher publisher, BookingClient caller) {
        this.bookings = bookings;
        this.publisher = publisher;
        this.caller = caller;
    }

    @POST
    @Path("{orderId}/{lineItemId}/complete")
    @Operation(summary = "Completed", description = "Publishes a booking-completed event for the booking line item "
            + "of a Shopify order. An order this service has not seen yet is accepted: the step is kept until the "
            + "order's booking arrives (webhooks and this call can cross).")
    @APIResponse(responseCode = "202", description = "Stored in Kafka")
    public Uni<Response> complete(@PathParam("orderId") @Pattern(regexp = SHOPIFY_ID, message = ID_MESSAGE) String orderId,
            @PathParam("lineItemId") @Pattern(regexp = SHOPIFY_ID, message = ID_MESSAGE) String lineItemId,
            @Valid @NotNull InstantBookingRequests.CheckoutStep request) {
        return step(orderId, lineItemId, EventType.BOOKING_COMPLETED, request, "completed");
    }

    @POST
    @Path("{orderId}/{lineItemId}/no-show")
    @Operation(summary = "No-show", description = "Publishes a booking-no-show event for the booking line item of "
            + "a Shopify order; an unknown order is accepted and kept, as for complete.")
    @APIResponse(responseCode = "202", description = "Stored in Kafka")
    public Uni<Response> noShow(@PathParam("orderId") @Pattern(regexp = SHOPIFY_ID, message = ID_MESSAGE) String orderId,
            @PathParam("lineItemId") @Pattern(regexp = SHOPIFY_ID, message = ID_MESSAGE) String lineItemId,
            @Valid @NotNull InstantBookingRequests.CheckoutStep request) {
        return step(orderId, lineItemId, EventType.BOOKING_NO_SHOW, request, "no_show");
    }

    private Uni<Response> step(String orderId, String lineItemId, EventType step, InstantBookingRequests.CheckoutStep request,
            String status) {
        if (!caller.get().mayBookFor(request.shop())) {
            throw new ForbiddenException("this API key may not report for " + request.shop());
        }
        return InstantBookingResource.publish(publisher, bookings.checkoutStep(Long.parseLong(orderId),
                Long.parseLong(lineItemId), step, request),
                status);
    }
}
