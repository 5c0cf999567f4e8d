package io.customerflow.store.repository;

import java.time.OffsetDateTime;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/**
 * The store's privacy writes: erasures for customers/redact and shop/redact, and the one-way redaction markers
 * that keep replayed old events from bringing erased data back. Every method runs in the caller's transaction.
 */
@ApplicationScoped
public class Erasures {

    /**
     * Erases the bookings of the given Shopify orders (customers/redact's orders_to_redact), the customers left
     * without any booking, and recounts the others from what remains.
     */
    public Uni<Void> eraseOrders(Mutiny.Session s, String shop, List<Long> orderIds) {
        if (orderIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return s.createNativeQuery("with gone as (delete from booking where shop = ?1 and shopify_order_id in (?2)"
                + " returning customer_id) select distinct customer_id from gone", Long.class)
                .setParameter(1, shop).setParameter(2, orderIds).getResultList()
                .flatMap(customers -> customers.isEmpty() ? Uni.createFrom().voidItem() : s.createNativeQuery(
                        "delete from customer c where c.id in (?1)"
                                + " and not exists (select 1 from booking b where b.customer_id = c.id)")
                        .setParameter(1, customers).executeUpdate()
                        .call(() -> s.createNativeQuery("""
                                update customer c set
                                    checkout_bookings = (select count(*) from booking b where b.customer_id = c.id
                                        and b.booked_at is not null and b.channel = 'CHECKOUT'),
                                    instant_bookings = (select count(*) from booking b where b.customer_id = c.id
                                        and b.booked_at is not null and b.channel = 'INSTANT'),
                                    first_booked_at = (select min(b.booked_at) from booking b where b.customer_id = c.id),
                                    last_booked_at = (select max(b.booked_at) from booking b where b.customer_id = c.id),
                                    updated_at = now()
                                where c.id in (?1)""").setParameter(1, customers).executeUpdate())
                        .replaceWithVoid());
    }

    /** Erases the customers matching any identity (bookings cascade) and their exports; returns customers erased. */
    public Uni<Integer> eraseCustomer(Mutiny.Session s, String shop, String customerKeyByEmail, Long shopifyId,
            List<String> hashes) {
        return s.createNativeQuery("delete from customer where shop = ?1 and (customer_key = cast(?2 as varchar)"
                + " or shopify_customer_id = cast(?3 as bigint) or customer_key = cast(?4 as varchar))")
                .setParameter(1, shop).setParameter(2, customerKeyByEmail).setParameter(3, shopifyId)
                .setParameter(4, shopifyId == null ? null : "shopify:" + shopifyId)
                .executeUpdate()
                .call(() -> hashes.isEmpty() ? Uni.createFrom().voidItem()
                        : s.createNativeQuery("delete from data_export where shop = ?1 and subject_hash in (?2)")
                                .setParameter(1, shop).setParameter(2, hashes).executeUpdate());
    }

    /** Erases up to {@code limit} customers of the shop (bookings cascade); returns how many. */
    public Uni<Integer> eraseShopCustomers(Mutiny.Session s, String shop, int limit) {
        return s.createNativeQuery("delete from customer where id in (select id from customer where shop = ?1"
                + " order by id limit ?2)").setParameter(1, shop).setParameter(2, limit).executeUpdate();
    }

    /** Whether the shop's app/uninstalled was seen and not yet used up by its shop/redact. */
    public Uni<Boolean> uninstalled(Mutiny.Session s, String shop) {
        return s.createNativeQuery("select count(*) from shop_uninstalled where shop = ?1", Long.class)
                .setParameter(1, shop).getSingleResult().map(n -> n > 0);
    }

    /** The rest of the shop (what batches left, or what arrived meanwhile) and its exports, in the caller's transaction. */
    public Uni<Integer> eraseShop(Mutiny.Session s, String shop) {
        return s.createNativeQuery("delete from customer where shop = ?1").setParameter(1, shop).executeUpdate()
                .call(() -> s.createNativeQuery("delete from data_export where shop = ?1").setParameter(1, shop)
                        .executeUpdate());
    }

    /** Remembers that the shop uninstalled the app (the latest time), which allows its shop/redact. */
    public Uni<Void> markUninstalled(Mutiny.Session s, String shop, OffsetDateTime at) {
        return s.createNativeQuery("insert into shop_uninstalled (shop, uninstalled_at) values (?1, ?2)"
                + " on conflict (shop) do update set uninstalled_at = greatest(shop_uninstalled.uninstalled_at,"
                + " excluded.uninstalled_at)").setParameter(1, shop).setParameter(2, at).executeUpdate()
                .replaceWithVoid();
    }

    /** Whether the shop uninstalled; the mark is used up (a reinstalled shop must uninstall again). */
    public Uni<Boolean> takeUninstalled(Mutiny.Session s, String shop) {
        return s.createNativeQuery("delete from shop_uninstalled where shop = ?1").setParameter(1, shop)
                .executeUpdate().map(deleted -> deleted > 0);
    }

    /** Lists an applied redaction request (shop, kind, time: whom it was about is not kept). */
    public Uni<Void> logRequest(Mutiny.Session s, String shop, String kind, OffsetDateTime requestedAt) {
        return s.createNativeQuery("insert into redaction_request (shop, kind, requested_at) values (?1, ?2, ?3)")
                .setParameter(1, shop).setParameter(2, kind)
                .setParameter(3, requestedAt == null ? OffsetDateTime.now() : requestedAt).executeUpdate()
                .replaceWithVoid();
    }

    /** Remembers (or moves forward) the redaction time of each hash. */
    public Uni<Void> markRedacted(Mutiny.Session s, List<String> hashes, OffsetDateTime at) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String hash : hashes) {
            chain = chain.call(() -> s.createNativeQuery("insert into redaction (subject_hash, redacted_at)"
                    + " values (?1, ?2) on conflict (subject_hash) do update"
                    + " set redacted_at = greatest(redaction.redacted_at, excluded.redacted_at)")
                    .setParameter(1, hash).setParameter(2, at).executeUpdate());
        }
        return chain;
    }
}
