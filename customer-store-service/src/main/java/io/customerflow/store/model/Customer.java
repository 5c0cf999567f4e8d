package io.customerflow.store.model;

import java.time.OffsetDateTime;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** A booking customer of a shop: name, email and booking counts; nothing more. Written by {@code BookingWrites}. */
@Entity
@Table(name = "customer")
public class Customer {

    @Id
    public Long id;

    public String shop;

    @JsonIgnore
    @Column(name = "customer_key")
    public String customerKey;

    public String email;

    @Column(name = "email_normalized")
    public String emailNormalized;

    @Column(name = "first_name")
    public String firstName;

    @Column(name = "last_name")
    public String lastName;

    @Column(name = "shopify_customer_id")
    public Long shopifyCustomerId;

    @Column(name = "first_booked_at")
    public OffsetDateTime firstBookedAt;

    @Column(name = "last_booked_at")
    public OffsetDateTime lastBookedAt;

    @Column(name = "checkout_bookings")
    public int checkoutBookings;

    @Column(name = "instant_bookings")
    public int instantBookings;

    @JsonIgnore
    @OneToMany(mappedBy = "customer")
    @OrderBy("bookedAt, id")
    public List<Booking> bookings;
}
