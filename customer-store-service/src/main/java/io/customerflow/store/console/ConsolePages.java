package io.customerflow.store.console;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.customerflow.store.repository.CustomerQueries;
import io.customerflow.store.rest.CustomerView;
import io.customerflow.store.service.Csv;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/** The console's customer pages: the list with its filters and CSV, one customer, bookings per day as a chart. */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsolePages {

    static final int PAGE_SIZE = 25;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance customers(Frame frame, CustomerQueries.Page<CustomerView> result, long pages,
                String pageLink, String sortLink, String csvLink, String q, String channel, String from, String to,
                int shownPage,
                Integer previous, Integer next);

        static native TemplateInstance customer(Frame frame, CustomerView customer);

        static native TemplateInstance bookings(Frame frame, int days, String chart, List<Total> totals);

        static native TemplateInstance message(Frame frame, String text);

        static native TemplateInstance refused(Frame frame, int status);
    }

    /** One channel's totals over the chart's range. */
    public record Total(String channel, long bookings, long cancelled, long completed, long noShow) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CustomerQueries queries;
    private final ConsoleFrames frames;
    private final ConsoleFilter.Caller caller;

    public ConsolePages(CustomerQueries queries, ConsoleFrames frames, ConsoleFilter.Caller caller) {
        this.queries = queries;
        this.frames = frames;
        this.caller = caller;
    }

    @GET
    public Response index() {
        return Response.seeOther(java.net.URI.create("/console/customers")).build();
    }

    @GET
    @Path("customers")
    public Uni<TemplateInstance> customers(@QueryParam("shop") String shop, @QueryParam("q") String q,
            @QueryParam("channel") String channel, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("page") String page, @QueryParam("sort") String sort) {
        String search = blankToNull(q);
        // Newest booking first, as an operator looks for who booked lately; by name on request.
        CustomerQueries.Sort order = "name".equals(sort) ? CustomerQueries.Sort.NAME : CustomerQueries.Sort.NEWEST_BOOKING;
        String channelFilter = channel(channel);
        int pageNumber = page != null && page.matches("[0-9]{1,6}") ? Integer.parseInt(page) : 0;
        return frames.of(caller, "customers", shop).flatMap(frame -> {
            if (frame.shop() == null) {
                return Uni.createFrom().item(localized(Templates.message(frame, "-")));
            }
            var filter = filter(frame.shop(), search, channelFilter, from, to);
            return queries.search(filter, order, pageNumber, PAGE_SIZE).map(p -> {
                var views = new CustomerQueries.Page<>(p.items().stream().map(CustomerView::of).toList(), p.page(),
                        p.size(), p.total());
                long pages = Math.max(1, (p.total() + PAGE_SIZE - 1) / PAGE_SIZE);
                String filters = "?shop=" + frame.shop() + param("q", search) + param("channel", channelFilter)
                        + param("from", iso(date(from))) + param("to", iso(date(to)));
                return localized(Templates.customers(frame, views, pages, "/console/customers" + filters
                        + (order == CustomerQueries.Sort.NAME ? "&sort=name" : ""), "/console/customers" + filters,
                        "/console/customers.csv" + filters, search, channelFilter,
                        iso(date(from)), iso(date(to)), p.page() + 1, p.page() > 0 ? p.page() - 1 : null,
                        p.page() + 1 < pages ? p.page() + 1 : null));
            });
        });
    }

    @GET
    @Path("customers/{id}")
    public Uni<TemplateInstance> customer(@PathParam("id") long id, @QueryParam("shop") String shop) {
        return frames.of(caller, "customers", shop).flatMap(frame -> queries.withBookings(frame.shop(), id).map(c -> {
            if (c == null) {
                throw new NotFoundException();
            }
            return localized(Templates.customer(frame, CustomerView.withBookings(c)));
        }));
    }

    /**
     * The booked customers of the list as filtered on the page (search, channel, dates), as CSV: the columns of
     * {@code /v1/segments/booked-customers}, after a UTF-8 byte-order mark, without which Excel on Windows reads the
     * file in the system's code page and garbles CJK names.
     */
    @GET
    @Path("customers.csv")
    @Produces("text/csv")
    public Uni<Response> csv(@QueryParam("shop") String shop, @QueryParam("q") String q,
            @QueryParam("channel") String channel, @QueryParam("from") String from, @QueryParam("to") String to) {
        return frames.of(caller, "customers", shop).flatMap(frame -> queries.bookedCustomers(
                filter(frame.shop(), blankToNull(q), channel(channel), from, to))
                .map(list -> Response.ok(BYTE_ORDER_MARK + Csv.bookedCustomers(list)).type("text/csv; charset=UTF-8")
                        .header("Content-Disposition", "attachment; filename=\"booked-customers.csv\"").build()));
    }

    static final String BYTE_ORDER_MARK = "\uFEFF";

    /** The list's filter: a search with an {@code @} is an email, else part of a name. */
    private static CustomerQueries.Filter filter(String shop, String search, String channel, String from, String to) {
        boolean byEmail = search != null && search.contains("@");
        return new CustomerQueries.Filter(shop, byEmail ? search : null, byEmail ? null : search, channel, date(from),
                date(to));
    }

    private static String channel(String channel) {
        return "CHECKOUT".equals(channel) || "INSTANT".equals(channel) ? channel : null;
    }

    @GET
    @Path("bookings")
    public Uni<TemplateInstance> bookings(@QueryParam("shop") String shop, @QueryParam("days") String days) {
        int range = "90".equals(days) ? 90 : 30;
        LocalDate to = LocalDate.now(ZoneOffset.UTC);
        LocalDate from = to.minusDays(range - 1L);
        return frames.of(caller, "bookings", shop).flatMap(frame -> {
            if (frame.shop() == null) {
                return Uni.createFrom().item(localized(Templates.message(frame, "-")));
            }
            return queries.bookingsPerDay(frame.shop(), from, to).map(dayCounts -> localized(Templates.bookings(
                    frame, range, chart(dayCounts, from, range), totals(dayCounts))));
        });
    }

    /** The chart's data, as the data attribute Chart.js is fed from (console.js): every day of the range. */
    static String chart(List<CustomerQueries.DayCount> counts, LocalDate from, int days) {
        List<String> labels = new ArrayList<>();
        Map<String, long[]> series = new TreeMap<>();
        for (String s : List.of("CHECKOUT", "INSTANT", "cancelled", "completed", "noShow")) {
            series.put(s, new long[days]);
        }
        for (int i = 0; i < days; i++) {
            labels.add(from.plusDays(i).toString());
        }
        for (var d : counts) {
            int i = (int) (d.date().toEpochDay() - from.toEpochDay());
            if (i >= 0 && i < days) {
                series.get(d.channel())[i] += d.bookings();
                series.get("cancelled")[i] += d.cancelled();
                series.get("completed")[i] += d.completed();
                series.get("noShow")[i] += d.noShow();
            }
        }
        try {
            return JSON.writeValueAsString(Map.of("labels", labels, "series", series));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Total> totals(List<CustomerQueries.DayCount> counts) {
        Map<String, long[]> byChannel = new TreeMap<>();
        for (var d : counts) {
            long[] t = byChannel.computeIfAbsent(d.channel(), c -> new long[4]);
            t[0] += d.bookings();
            t[1] += d.cancelled();
            t[2] += d.completed();
            t[3] += d.noShow();
        }
        List<Total> totals = new ArrayList<>();
        byChannel.forEach((channel, t) -> totals.add(new Total(channel, t[0], t[1], t[2], t[3])));
        return totals;
    }

    /** A shop the token may not read: a console page in the operator's language, not the API's problem+json. */
    @ServerExceptionMapper
    public Uni<Response> forbidden(ForbiddenException e) {
        return refused(Response.Status.FORBIDDEN);
    }

    /** A customer or page that isn't there: the same. */
    @ServerExceptionMapper
    public Uni<Response> notFound(NotFoundException e) {
        return refused(Response.Status.NOT_FOUND);
    }

    /** The page that says why nothing is shown (403 or 404), framed by the operator's first shop, in their language. */
    static Uni<Response> refused(ConsoleFrames frames, ConsoleFilter.Caller caller, Response.Status status) {
        return frames.of(caller, "customers", null).map(frame -> Response.status(status)
                .entity(ConsoleFrames.localized(Templates.refused(frame, status.getStatusCode()), caller.locale())
                        .render())
                .type("text/html; charset=UTF-8").build());
    }

    private Uni<Response> refused(Response.Status status) {
        return refused(frames, caller, status);
    }

    private TemplateInstance localized(TemplateInstance page) {
        return ConsoleFrames.localized(page, caller.locale());
    }

    private static LocalDate date(String text) {
        try {
            return text == null || text.isBlank() ? null : LocalDate.parse(text.trim());
        } catch (DateTimeParseException e) {
            return null; // a filter the browser's date field can't send: shown unfiltered
        }
    }

    private static String iso(LocalDate d) {
        return d == null ? null : d.toString();
    }

    private static String param(String name, String value) {
        return value == null ? "" : "&" + name + "=" + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
