package io.customerflow.store.rest;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.customerflow.store.model.DataExportView;
import io.customerflow.store.repository.CustomerQueries;
import io.smallrye.mutiny.Uni;

/** Exports produced for Shopify's customers/data_request, for the operator to send on to the merchant. */
@Path("/v1/data-requests")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "token")
@APIResponse(responseCode = "401", description = "Missing or invalid bearer token")
public class DataRequestResource {

    private final CustomerQueries queries;

    public DataRequestResource(CustomerQueries queries) {
        this.queries = queries;
    }

    @GET
    @Operation(summary = "The data-request exports of a shop, oldest first")
    public Uni<List<DataExportView>> list(@QueryParam("shop") @NotNull @Pattern(regexp = CustomerResource.SHOP) String shop) {
        return queries.exports(shop);
    }
}
