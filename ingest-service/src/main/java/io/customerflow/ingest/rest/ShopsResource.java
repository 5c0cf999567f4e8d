package io.customerflow.ingest.rest;

import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.events.ShopDomains;
import io.customerflow.ingest.service.InvalidFieldException;
import io.customerflow.ingest.service.ShopHandOvers;
import io.customerflow.ingest.service.ShopInstalls;
import io.customerflow.registry.FlowTriggerUse;
import io.customerflow.registry.RegisteredShops;
import io.customerflow.registry.ShopRecord;
import io.smallrye.common.annotation.Blocking;

/**
 * The shop registry for its operators (an operator key of {@code ingest.operators}, never a booking key): hand a shop
 * over, list the shops and their status, remove one. Answers never hold a token or key: only what kind of credential
 * a shop has, until when, and whether it has a Klaviyo key.
 */
@Path(ShopsResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "operatorKey")
@APIResponse(responseCode = "401", description = "Missing or unknown operator key")
@Blocking
public class ShopsResource {

    static final String PATH = "/v1/shops";

    private final RegisteredShops registry;
    private final ShopHandOvers handOvers;
    private final ShopInstalls installs;

    private final FlowTriggerUse flow;

    public ShopsResource(RegisteredShops registry, ShopHandOvers handOvers, ShopInstalls installs, FlowTriggerUse flow) {
        this.flow = flow;
        this.registry = registry;
        this.handOvers = handOvers;
        this.installs = installs;
    }

    /** A shop as operators see it: no secret. */
    public record ShopView(String shop, String status, String clientId, List<String> scopes, String credential,
            OffsetDateTime accessTokenExpiresAt, OffsetDateTime refreshTokenExpiresAt, boolean klaviyoKey,
            ShopRecord.Settings settings, OffsetDateTime updatedAt, long version, OffsetDateTime installedAt,
            java.util.Map<String, FlowTriggerUse.Use> flowTriggers) {

        static ShopView of(ShopRecord r, FlowTriggerUse flow) {
            ShopRecord.Credential c = r.credential();
            return new ShopView(r.shop(), r.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    r.clientId(), r.scopes(), c == null ? null : c.kind().name().toLowerCase(java.util.Locale.ROOT)
                            .replace('_', '-'),
                    c == null ? null : c.accessTokenExpiresAt(), c == null ? null : c.refreshTokenExpiresAt(),
                    r.klaviyoKey() != null, r.settings(), r.updatedAt(), r.version(), r.installedAt(),
                    new java.util.TreeMap<>(flow.of(r.shop())));
        }
    }

    @PUT
    @Path("{shop}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Hand a shop over: its token (pair, non-expiring to migrate, or client credentials), Klaviyo key, settings")
    public ShopView handOver(@PathParam("shop") String shop, JsonNode body) {
        return ShopView.of(handOvers.handOver(valid(shop), body), flow);
    }

    @GET
    @Operation(summary = "Every shop of the registry, without secrets")
    public List<ShopView> list() {
        return registry.all().stream().sorted(Comparator.comparing(ShopRecord::shop)).map(r -> ShopView.of(r, flow)).toList();
    }

    @GET
    @Path("{shop}")
    public ShopView get(@PathParam("shop") String shop) {
        return registry.find(valid(shop)).map(r -> ShopView.of(r, flow)).orElseThrow(() -> new NotFoundException(
                "no shop " + shop + " in the registry"));
    }

    @DELETE
    @Path("{shop}")
    @Operation(summary = "Remove a shop: uninstalled, its credentials and key erased; its stored bookings stay until shop/redact")
    public Response remove(@PathParam("shop") String shop) {
        if (registry.find(valid(shop)).isEmpty()) {
            throw new NotFoundException("no shop " + shop + " in the registry");
        }
        installs.uninstall(shop);
        return Response.ok(Map.of("shop", shop, "status", "uninstalled")).build();
    }

    private static String valid(String shop) {
        if (!ShopDomains.isValid(shop)) {
            throw new InvalidFieldException("shop", ShopDomains.MESSAGE);
        }
        return shop;
    }
}
