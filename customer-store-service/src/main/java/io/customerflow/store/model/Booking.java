package io.customerflow.store.model;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** One booking of a customer: its id, channel, order id (checkout), status and times. */
@Entity
@Table(name = "booking")
public class Booking {

    @Id
    public Long id;

    @JsonIgnore
    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "customer_id")
    public Customer customer;

    @JsonIgnore
    public String shop;

    @Column(name = "booking_id")
    public String bookingId;

    public String channel;

    @Column(name = "shopify_order_id")
    public Long shopifyOrderId;

    public String status;

    @Column(name = "booked_at")
    public OffsetDateTime bookedAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
