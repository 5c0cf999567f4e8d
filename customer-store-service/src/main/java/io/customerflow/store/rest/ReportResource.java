package io.customerflow.store.rest;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.customerflow.store.repository.CustomerQueries;
import io.smallrye.mutiny.Uni;

/** Booking reports for a merchant. */
@Path("/v1/reports")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "token")
@APIResponse(responseCode = "401", description = "Missing or invalid bearer token")
public class ReportResource {

    private final CustomerQueries queries;

    public ReportResource(CustomerQueries queries) {
        this.queries = queries;
    }

    /** Bookings per day and channel, totals, and how many customers booked. */
    public record BookingReport(String shop, LocalDate from, LocalDate to, List<CustomerQueries.DayCount> days,
            Map<String, Long> totals, long bookingCustomers) {
    }

    @GET
    @Path("bookings")
    @Operation(summary = "Bookings per day (UTC) per channel, and how many customers booked",
            description = "from and to are inclusive days (UTC), by when each booking was made. days[].bookings counts"
                    + " every booking, days[].cancelled, days[].completed and days[].noShow those whose status is now"
                    + " cancelled, completed (the visit took place) or no-show (the customer did not come). bookingCustomers counts the \"who has"
                    + " booked\" customers of the range: customers with a booking made in it that is not cancelled."
                    + " That is the rule of /v1/segments/booked-customers, restricted to the range.")
    @APIResponse(responseCode = "200", description = "The report")
    @APIResponse(responseCode = "400", description = "Missing, malformed or inverted dates")
    public Uni<BookingReport> bookings(@QueryParam("shop") @NotNull @Pattern(regexp = CustomerResource.SHOP) String shop,
            @QueryParam("from") @NotNull @Parameter(schema = @Schema(type = SchemaType.STRING, format = "date"))
            String from,
            @QueryParam("to") @NotNull @Parameter(schema = @Schema(type = SchemaType.STRING, format = "date"))
            String to) {
        LocalDate fromDay = QueryParams.date("from", from);
        LocalDate toDay = QueryParams.date("to", to);
        if (fromDay == null || toDay == null) {
            throw new IllegalArgumentException("from and to are required");
        }
        if (toDay.isBefore(fromDay)) {
            throw new IllegalArgumentException("to is before from");
        }
        return queries.bookingsPerDay(shop, fromDay, toDay).flatMap(days -> queries.bookingCustomers(shop, fromDay, toDay)
                .map(customers -> {
                    Map<String, Long> totals = new TreeMap<>();
                    days.forEach(d -> totals.merge(d.channel(), d.bookings(), Long::sum));
                    return new BookingReport(shop, fromDay, toDay, days, totals, customers);
                }));
    }
}
