package io.customerflow.store.rest;

import java.time.LocalDate;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

import io.customerflow.store.repository.CustomerQueries;
import io.smallrye.mutiny.Uni;

/** Booking customers of a shop. */
@Path("/v1/customers")
@Produces(MediaType.APPLICATION_JSON)
@SecurityScheme(securitySchemeName = "token", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "token")
@APIResponse(responseCode = "401", description = "Missing or invalid bearer token")
public class CustomerResource {

    static final String SHOP = "[a-z0-9][a-z0-9-]{0,99}\\.myshopify\\.com";

    private final CustomerQueries queries;

    public CustomerResource(CustomerQueries queries) {
        this.queries = queries;
    }

    /** A page of customers. */
    public record CustomerPage(List<CustomerView> items, int page, int size, long total) {
    }

    @GET
    @Operation(summary = "List customers", description = "Filtered and paged, ordered by id (stable across pages).")
    @APIResponse(responseCode = "200", description = "A page of customers")
    @APIResponse(responseCode = "400", description = "Invalid filter")
    public Uni<CustomerPage> list(@QueryParam("shop") @NotNull @Pattern(regexp = SHOP) String shop,
            @QueryParam("email") String email,
            @QueryParam("name") String nameContains,
            @QueryParam("channel") @Pattern(regexp = "CHECKOUT|INSTANT") String channel,
            @QueryParam("bookedFrom") LocalDate bookedFrom,
            @QueryParam("bookedTo") LocalDate bookedTo,
            @QueryParam("page") @DefaultValue("0") @Min(0) int page,
            @QueryParam("size") @DefaultValue("50") @Min(1) @Max(500) int size) {
        var filter = new CustomerQueries.Filter(shop, blankToNull(email), blankToNull(nameContains), channel,
                bookedFrom, bookedTo);
        return queries.search(filter, page, size).map(p -> new CustomerPage(
                p.items().stream().map(CustomerView::of).toList(), p.page(), p.size(), p.total()));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One customer with their bookings")
    @APIResponse(responseCode = "200", description = "The customer")
    @APIResponse(responseCode = "404", description = "No such customer")
    public Uni<CustomerView> get(@PathParam("id") long id) {
        return queries.withBookings(id).map(c -> {
            if (c == null) {
                throw new NotFoundException("no customer " + id);
            }
            return CustomerView.withBookings(c);
        });
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
