package io.customerflow.klaviyo.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.smallrye.mutiny.Uni;

/** Klaviyo's REST API (JSON:API). Only {@link KlaviyoClient} calls it: pacing, retries and errors live there. */
@RegisterRestClient(configKey = "klaviyo")
@Path("/api")
@Consumes(KlaviyoApi.JSON_API)
@Produces(KlaviyoApi.JSON_API)
interface KlaviyoApi {

    String JSON_API = "application/vnd.api+json";

    /** The key's account: the cheapest authenticated call (Klaviyo: "test if a private API key" works). */
    @jakarta.ws.rs.GET
    @Path("/accounts")
    Uni<Response> getAccounts(@HeaderParam("Authorization") String authorization,
            @HeaderParam("revision") String revision);

    @POST
    @Path("/events")
    Uni<Response> createEvent(@HeaderParam("Authorization") String authorization,
            @HeaderParam("revision") String revision, String body);

    @POST
    @Path("/event-bulk-create-jobs")
    Uni<Response> bulkCreateEvents(@HeaderParam("Authorization") String authorization,
            @HeaderParam("revision") String revision, String body);

    @POST
    @Path("/data-privacy-deletion-jobs")
    Uni<Response> requestProfileDeletion(@HeaderParam("Authorization") String authorization,
            @HeaderParam("revision") String revision, String body);
}
