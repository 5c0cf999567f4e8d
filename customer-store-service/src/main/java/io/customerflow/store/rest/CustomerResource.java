package io.customerflow.store.rest;

import java.time.LocalDate;
import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

import io.customerflow.store.config.StoreConfig;
import io.customerflow.store.repository.CustomerQueries;
import io.smallrye.mutiny.Uni;

/** Booking customers of a shop. */
@Path("/v1/customers")
@Produces(MediaType.APPLICATION_JSON)
@SecurityScheme(securitySchemeName = "token", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "token")
@APIResponse(responseCode = "401", description = "Missing or invalid bearer token")
public class CustomerResource {

    static final String SHOP = io.customerflow.events.ShopDomains.PATTERN;

    private final CustomerQueries queries;
    private final int maxPageSize;

    public CustomerResource(CustomerQueries queries, StoreConfig config) {
        this.queries = queries;
        this.maxPageSize = config.api().maxPageSize();
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
            @QueryParam("bookedFrom") @Parameter(description = "First day (UTC, inclusive) a booking was made",
                    schema = @Schema(type = SchemaType.STRING, format = "date")) String bookedFrom,
            @QueryParam("bookedTo") @Parameter(description = "Last day (UTC, inclusive) a booking was made",
                    schema = @Schema(type = SchemaType.STRING, format = "date")) String bookedTo,
            @QueryParam("page") @Parameter(description = "Page number, from 0",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "0", defaultValue = "0")) String page,
            @QueryParam("size") @Parameter(description = "Page size, 1 to store.api.max-page-size (500 by default)",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "1", defaultValue = "50")) String size) {
        var filter = new CustomerQueries.Filter(shop, blankToNull(email), blankToNull(nameContains), channel,
                QueryParams.date("bookedFrom", bookedFrom), QueryParams.date("bookedTo", bookedTo));
        int pageNumber = QueryParams.integer("page", page, 0, 0, Integer.MAX_VALUE / maxPageSize);
        int pageSize = QueryParams.integer("size", size, Math.min(50, maxPageSize), 1, maxPageSize);
        return queries.search(filter, pageNumber, pageSize).map(p -> new CustomerPage(
                p.items().stream().map(CustomerView::of).toList(), p.page(), p.size(), p.total()));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One customer of the shop, with their bookings")
    @APIResponse(responseCode = "200", description = "The customer")
    @APIResponse(responseCode = "400", description = "Missing or invalid shop")
    @APIResponse(responseCode = "404", description = "No such customer in that shop")
    public Uni<CustomerView> get(@PathParam("id") long id,
            @QueryParam("shop") @NotNull @Pattern(regexp = SHOP) String shop) {
        return queries.withBookings(shop, id).map(c -> {
            if (c == null) {
                throw new NotFoundException("no customer " + id + " in " + shop);
            }
            return CustomerView.withBookings(c);
        });
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
