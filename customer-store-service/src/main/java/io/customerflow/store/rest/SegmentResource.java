package io.customerflow.store.rest;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.customerflow.store.repository.CustomerQueries;
import io.customerflow.store.service.Csv;
import io.smallrye.mutiny.Uni;

/** The "has booked" segment merchants tag for, as JSON or CSV for a marketing tool import. */
@Path("/v1/segments/booked-customers")
@SecurityRequirement(name = "token")
@APIResponse(responseCode = "401", description = "Missing or invalid bearer token")
public class SegmentResource {

    private final CustomerQueries queries;

    public SegmentResource(CustomerQueries queries) {
        this.queries = queries;
    }

    public record Segment(String shop, int count, List<CustomerView> customers) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Customers with at least one booking that is not cancelled",
            description = "The \"who has booked\" segment; /v1/reports/bookings counts the same customers per range."
                    + " A booking counts once its confirmation has arrived.")
    public Uni<Segment> json(@QueryParam("shop") @NotNull @Pattern(regexp = CustomerResource.SHOP) String shop) {
        return queries.bookedCustomers(shop).map(list -> new Segment(shop, list.size(),
                list.stream().map(CustomerView::of).toList()));
    }

    @GET
    @Produces("text/csv;qs=0.5") // JSON unless the client asks for CSV
    @Operation(summary = "The same segment as CSV (RFC 4180, UTF-8)")
    public Uni<Response> csv(@QueryParam("shop") @NotNull @Pattern(regexp = CustomerResource.SHOP) String shop) {
        return queries.bookedCustomers(shop).map(list -> Response.ok(Csv.bookedCustomers(list))
                .type("text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"booked-customers.csv\"").build());
    }
}
