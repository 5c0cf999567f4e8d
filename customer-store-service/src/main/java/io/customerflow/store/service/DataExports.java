package io.customerflow.store.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.customerflow.events.CustomerDataRequested;
import io.customerflow.events.Emails;
import io.customerflow.store.model.Customer;
import io.customerflow.store.repository.DataExportWrites;
import io.smallrye.mutiny.Uni;

/** Shopify's {@code customers/data_request}: an export of everything held about the customer. */
@ApplicationScoped
public class DataExports {

    private final DataExportWrites writes;
    private final ObjectMapper json;

    public DataExports(DataExportWrites writes, ObjectMapper json) {
        this.writes = writes;
        this.json = json;
    }

    public Uni<Integer> export(Mutiny.Session s, CustomerDataRequested r) {
        List<String> hashes = Subjects.hashes(r.shop(), r.email(), r.shopifyCustomerId());
        String subject = hashes.isEmpty() ? Subjects.hash(r.shop() + "\nunknown") : hashes.get(0);
        return s.createSelectionQuery("select distinct c from Customer c left join fetch c.bookings"
                + " where c.shop = ?1 and (c.customerKey = ?2 or c.shopifyCustomerId = ?3) order by c.id", Customer.class)
                .setParameter(1, r.shop())
                .setParameter(2, Emails.normalize(r.email()) == null ? "" : Emails.normalize(r.email()))
                .setParameter(3, r.shopifyCustomerId() == null ? -1L : r.shopifyCustomerId())
                .getResultList()
                .flatMap(customers -> writes.saveExport(s, r.shop(), subject, r.dataRequestId(), r.requestedAt(),
                        toJson(r, customers)));
    }

    private String toJson(CustomerDataRequested r, List<Customer> customers) {
        Map<String, Object> export = new LinkedHashMap<>();
        export.put("shop", r.shop());
        export.put("dataRequestId", r.dataRequestId());
        export.put("requestedAt", r.requestedAt());
        export.put("customers", customers.stream().map(DataExports::customer).toList());
        try {
            return json.writeValueAsString(export);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("export not serializable", e);
        }
    }

    private static Map<String, Object> customer(Customer c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("email", c.email);
        m.put("firstName", c.firstName);
        m.put("lastName", c.lastName);
        m.put("shopifyCustomerId", c.shopifyCustomerId);
        m.put("firstBookedAt", c.firstBookedAt);
        m.put("lastBookedAt", c.lastBookedAt);
        m.put("checkoutBookings", c.checkoutBookings);
        m.put("instantBookings", c.instantBookings);
        m.put("bookings", c.bookings.stream().map(b -> {
            Map<String, Object> bm = new LinkedHashMap<>();
            bm.put("bookingId", b.bookingId);
            bm.put("channel", b.channel);
            bm.put("shopifyOrderId", b.shopifyOrderId);
            bm.put("status", b.status);
            bm.put("bookedAt", b.bookedAt);
            return bm;
        }).toList());
        return m;
    }
}
