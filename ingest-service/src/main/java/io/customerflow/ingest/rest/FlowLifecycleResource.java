package io.customerflow.ingest.rest;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.events.EventJson;
import io.customerflow.events.FlowTriggers;
import io.customerflow.events.ShopDomains;
import io.customerflow.ingest.service.HmacVerifier;
import io.customerflow.ingest.service.ShopInstalls;
import io.customerflow.problem.Problem;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;

/**
 * Shopify Flow's trigger lifecycle callbacks: a merchant enabled or disabled a workflow that starts with one of the
 * app's triggers. Signed like a webhook (the body, with the secret of the app that installed the shop the body
 * names); recorded in the shop registry, where tagging reads which triggers to send. Flow lets the merchant enable
 * the workflow only after a 2xx within 5 seconds, so a shop this app doesn't serve is refused plainly.
 */
@Path(FlowLifecycleResource.PATH)
public class FlowLifecycleResource {

    public static final String PATH = "/flow/lifecycle";

    private final HmacVerifier hmac;
    private final ShopInstalls installs;
    private final MeterRegistry metrics;

    public FlowLifecycleResource(HmacVerifier hmac, ShopInstalls installs, MeterRegistry metrics) {
        this.hmac = hmac;
        this.installs = installs;
        this.metrics = metrics;
    }

    @POST
    @Blocking // waits for Kafka's acknowledgement of the registry write
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Receive a Shopify Flow trigger lifecycle callback", description = "Verifies the HMAC of the"
            + " raw body with the secret of the app that installed the shop, then records in the shop registry whether"
            + " the shop has an enabled workflow using the trigger. A callback older than the one recorded changes nothing.")
    @APIResponse(responseCode = "200", description = "Recorded (or older than, or the same as, what is recorded)")
    @APIResponse(responseCode = "400", description = "Malformed body: the field at fault is named")
    @APIResponse(responseCode = "401", description = "Missing or invalid X-Shopify-Hmac-SHA256")
    @APIResponse(responseCode = "404", description = "The shop is not installed here")
    @APIResponse(responseCode = "503", description = "The shop registry is unavailable: Flow shows the merchant a failure")
    public Response receive(byte[] body,
            @Parameter(required = true) @HeaderParam("X-Shopify-Hmac-Sha256") String signature) {
        JsonNode callback = parse(body);
        String shop = callback == null ? null : callback.path("shopify_domain").asText(null);
        // The body chooses the secret only through a shop; a body that isn't JSON is checked with the app's secrets.
        if (!hmac.verify(shop, body, signature)) {
            return outcome("unauthorized", Problem.response(Response.Status.UNAUTHORIZED,
                    "X-Shopify-Hmac-SHA256 is missing or does not match the body"));
        }
        if (callback == null || !callback.isObject()) {
            return bad("the body is not a JSON object");
        }
        if (shop == null || !ShopDomains.isValid(shop)) {
            return bad("shopify_domain " + ShopDomains.MESSAGE);
        }
        var trigger = FlowTriggers.identified(callback.path("flow_trigger_definition_id").asText(null));
        if (trigger.isEmpty()) {
            return bad("flow_trigger_definition_id names no trigger of this app (handles: booking-confirmed, "
                    + "booking-rescheduled, booking-cancelled, booking-completed, booking-no-show)");
        }
        JsonNode enabled = callback.path("has_enabled_flow");
        if (!enabled.isBoolean()) {
            return bad("has_enabled_flow must be true or false");
        }
        OffsetDateTime at;
        try {
            at = OffsetDateTime.parse(callback.path("timestamp").asText(""));
        } catch (DateTimeParseException e) {
            return bad("timestamp must be an ISO 8601 date-time with an offset");
        }
        return switch (installs.flowTrigger(shop, trigger.get().handle(), enabled.asBoolean(), at)) {
            case NOT_INSTALLED -> outcome("not-installed", Problem.response(Response.Status.NOT_FOUND,
                    "the app is not installed in " + shop + " here: install it first"));
            case OLDER -> outcome("older", Response.ok().build());
            case UNCHANGED -> outcome("unchanged", Response.ok().build());
            case RECORDED -> outcome(enabled.asBoolean() ? "enabled" : "disabled", Response.ok().build());
        };
    }

    private Response bad(String reason) {
        return outcome("bad-request", Problem.response(Response.Status.BAD_REQUEST, reason));
    }

    private Response outcome(String outcome, Response response) {
        metrics.counter("ingest.flow.lifecycle", "outcome", outcome).increment();
        return response;
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body == null || body.length == 0 ? null : EventJson.mapper().readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
