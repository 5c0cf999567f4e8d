package io.customerflow.ingest.rest;

import java.util.List;

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

import io.customerflow.events.EventRecord;
import io.customerflow.ingest.messaging.EventPublisher;
import io.customerflow.ingest.messaging.RedactionMarks;
import io.customerflow.ingest.reconcile.Reconciler;
import io.customerflow.ingest.service.BadPayloadException;
import io.customerflow.ingest.service.HmacVerifier;
import io.customerflow.ingest.service.WebhookArrivals;
import io.customerflow.ingest.service.WebhookDeliveries;
import io.customerflow.ingest.service.WebhookDelivery;
import io.customerflow.ingest.service.WebhookEvents;
import io.customerflow.ingest.service.WebhookTopic;
import io.customerflow.problem.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/** Every Shopify webhook topic arrives here; the topic comes from {@code X-Shopify-Topic}. */
@Path("/webhooks/shopify")
public class ShopifyWebhookResource {

    private final HmacVerifier hmac;
    private final WebhookEvents events;
    private final EventPublisher publisher;
    private final WebhookDeliveries deliveries;
    private final Reconciler reconciler;
    private final RedactionMarks redactions;
    private final RequestAdmission admission;
    private final WebhookArrivals arrivals;

    public ShopifyWebhookResource(HmacVerifier hmac, WebhookEvents events, EventPublisher publisher,
            WebhookDeliveries deliveries, Reconciler reconciler, RedactionMarks redactions,
            RequestAdmission admission, WebhookArrivals arrivals) {
        this.arrivals = arrivals;
        this.admission = admission;
        this.reconciler = reconciler;
        this.redactions = redactions;
        this.hmac = hmac;
        this.events = events;
        this.publisher = publisher;
        this.deliveries = deliveries;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Receive a Shopify webhook", description = "Verifies the HMAC of the raw body, then "
            + "publishes the events the topic means and answers 200 only after Kafka acknowledged all of them.")
    @APIResponse(responseCode = "200", description = "Stored in Kafka, a known duplicate, or an ignored topic")
    @APIResponse(responseCode = "400", description = "Missing or malformed X-Shopify-Topic, X-Shopify-Shop-Domain or "
            + "X-Shopify-Event-Id/X-Shopify-Webhook-Id, a malformed X-Shopify-Triggered-At (a missing one means the "
            + "time of receipt), all checked for every topic; or a malformed body")
    @APIResponse(responseCode = "401", description = "Missing or invalid X-Shopify-Hmac-Sha256, or signed with a "
            + "secret other than that of the app that installed the shop")
    @APIResponse(responseCode = "413", description = "Body larger than the limit")
    @APIResponse(responseCode = "415", description = "Not application/json")
    @APIResponse(responseCode = "503", description = "At capacity, or Kafka unavailable: retry after Retry-After "
            + "seconds")
    public Uni<Response> receive(byte[] body,
            @Parameter(required = true) @HeaderParam("X-Shopify-Hmac-Sha256") String signature,
            @Parameter(required = true) @HeaderParam("X-Shopify-Topic") String topicHeader,
            @Parameter(required = true) @HeaderParam("X-Shopify-Shop-Domain") String shop,
            @HeaderParam("X-Shopify-Event-Id") String eventId,
            @HeaderParam("X-Shopify-Webhook-Id") String webhookId,
            @HeaderParam("X-Shopify-Triggered-At") String triggeredAt,
            @HeaderParam("X-Shopify-API-Version") String apiVersion, RoutingContext context) {
        return admission.admit(RequestAdmission.arrived(context), () -> receiveAdmitted(body, signature, topicHeader, shop, eventId, webhookId,
                triggeredAt, apiVersion));
    }

    private Uni<Response> receiveAdmitted(byte[] body, String signature, String topicHeader, String shop,
            String eventId, String webhookId, String triggeredAt, String apiVersion) {
        if (!hmac.verify(shop, body, signature)) {
            deliveries.count(topicHeader, WebhookDeliveries.Outcome.UNAUTHORIZED);
            return Uni.createFrom().item(Problem.response(Response.Status.UNAUTHORIZED,
                    "X-Shopify-Hmac-Sha256 missing or invalid"));
        }
        // Headers before the topic: a delivery without a topic, shop or id is malformed (400), whatever its topic.
        WebhookDelivery delivery;
        try {
            delivery = WebhookDelivery.of(topicHeader, shop, eventId, webhookId, triggeredAt, apiVersion);
        } catch (BadPayloadException e) {
            deliveries.count(topicHeader, WebhookDeliveries.Outcome.INVALID);
            throw e;
        }
        if (reconciler.knows(delivery.shop())) {
            // A well-formed delivery signed with the secret of the shop's app: its health shows it sends. Shops not
            // installed here are left out (the map stays bounded by the registry).
            arrivals.noted(delivery.shop());
        }
        WebhookTopic topic = WebhookTopic.of(delivery.topic()).orElse(null);
        if (topic == null) {
            deliveries.count(delivery.topic(), WebhookDeliveries.Outcome.IGNORED);
            return Uni.createFrom().item(Response.ok(new Ack("ignored")).build());
        }
        if (deliveries.isRepeat(delivery)) {
            deliveries.count(delivery.topic(), WebhookDeliveries.Outcome.DUPLICATE);
            return Uni.createFrom().item(Response.ok(new Ack("duplicate")).build());
        }
        List<EventRecord<?>> records;
        try {
            records = events.events(topic, delivery, body);
        } catch (RuntimeException e) {
            deliveries.count(delivery.topic(), WebhookDeliveries.Outcome.INVALID);
            throw e;
        }
        // A redaction's ledger marks first: once its event is out, a consumer must already be able to honour it.
        return redactions.mark(records).chain(() -> publisher.publishAll(records))
                .onItem().transform(ok -> {
                    deliveries.accepted(delivery);
                    reconciler.published(records);
                    return Response.ok(new Ack("accepted", records.size())).build();
                })
                .onFailure().invoke(f -> deliveries.count(delivery.topic(), WebhookDeliveries.Outcome.UNAVAILABLE));
    }

    /** The body of a 2xx answer: what happened, and how many events were stored. */
    public record Ack(String status, Integer events) {
        Ack(String status) {
            this(status, 0);
        }
    }
}
