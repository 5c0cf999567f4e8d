package io.customerflow.ingest.rest;

import java.time.OffsetDateTime;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import io.customerflow.ingest.service.IsoOffsetDateTime;

/**
 * Bodies of the instant-booking API. Every constraint names its field in the 400 answer. Times are ISO-8601
 * strings with an offset only: an epoch number would be read in an unknown zone and unit.
 */
public final class InstantBookingRequests {

    static final String SHOP = io.customerflow.events.ShopDomains.PATTERN;
    static final String E164 = "\\+[1-9][0-9]{6,14}";
    static final String ZONE = "[A-Za-z][A-Za-z0-9_+\\-]*(/[A-Za-z0-9_+\\-]+){0,2}";

    private InstantBookingRequests() {
    }

    /** {@code POST /v1/instant-bookings}. */
    public record Create(
            @NotNull @Pattern(regexp = SHOP, message = "must be a {name}.myshopify.com domain") String shop,
            @NotNull @Valid CustomerInput customer,
            @NotNull @Valid ServiceInput service,
            @NotNull @JsonDeserialize(using = IsoOffsetDateTime.class) OffsetDateTime start,
            @NotNull @Positive @Max(value = 1440, message = "must be at most 1440 minutes") Integer durationMinutes,
            @NotNull @Pattern(regexp = ZONE, message = "must be an IANA time zone such as Asia/Tokyo") String timezone,
            @Size(max = 20) List<@NotBlank @Size(max = 200) String> resources,
            @Size(max = 200) String location,
            @Valid PriceInput price,
            // @Valid alone never checks a null element: it would reach the mapping and fail there (a 500).
            @Size(max = 50) List<@NotNull @Valid PropertyInput> properties,
            @Positive Long shopifyOrderId) {
    }

    /** {@code POST /v1/instant-bookings/{id}/reschedule}. */
    public record Reschedule(
            @NotNull @Pattern(regexp = SHOP, message = "must be a {name}.myshopify.com domain") String shop,
            @NotNull @Valid CustomerInput customer,
            @NotNull @JsonDeserialize(using = IsoOffsetDateTime.class) OffsetDateTime start,
            @Positive @Max(1440) Integer durationMinutes,
            @Pattern(regexp = ZONE, message = "must be an IANA time zone such as Asia/Tokyo") String timezone) {
    }

    /** {@code POST /v1/instant-bookings/{id}/cancel}. */
    public record Cancel(
            @NotNull @Pattern(regexp = SHOP, message = "must be a {name}.myshopify.com domain") String shop,
            @NotNull @Valid CustomerInput customer,
            @Size(max = 500) String reason) {
    }

    /**
     * {@code POST /v1/instant-bookings/{id}/complete} and {@code /no-show}: the visit took place, or the customer
     * did not come. {@code occurredAt} defaults to the time of the call; it may be in the past (a report sent
     * later), never in the future.
     */
    public record Step(
            @NotNull @Pattern(regexp = SHOP, message = "must be a {name}.myshopify.com domain") String shop,
            @NotNull @Valid CustomerInput customer,
            @JsonDeserialize(using = IsoOffsetDateTime.class) OffsetDateTime occurredAt) {
    }

    /**
     * {@code POST /v1/checkout-bookings/{orderId}/{lineItemId}/complete} and {@code /no-show}: the same step for a
     * booking bought at checkout, addressed by the order and line item. {@code shopifyCustomerId} (the order's
     * customer) saves tagging a look-up by email.
     */
    public record CheckoutStep(
            @NotNull @Pattern(regexp = SHOP, message = "must be a {name}.myshopify.com domain") String shop,
            @NotNull @Valid CustomerInput customer,
            @Positive Long shopifyCustomerId,
            @JsonDeserialize(using = IsoOffsetDateTime.class) OffsetDateTime occurredAt) {
    }

    /** The customer: email is required, it is the only way to find them again. */
    public record CustomerInput(
            @Size(max = 255) String firstName,
            @Size(max = 255) String lastName,
            @NotBlank @Email @Size(max = 320) String email,
            @Pattern(regexp = E164, message = "must be E.164, e.g. +81312345678") String phone,
            @Size(max = 35) String locale) {
    }

    public record ServiceInput(
            @NotBlank @Size(max = 100) String id,
            @NotBlank @Size(max = 255) String title,
            @Size(max = 255) String variant) {
    }

    public record PriceInput(
            @NotNull @Pattern(regexp = "[0-9]{1,9}(\\.[0-9]{1,4})?", message = "must be a decimal such as 65.00") String amount,
            @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO-4217 code such as USD") String currency) {
    }

    public record PropertyInput(@NotBlank @Size(max = 100) String name, @Size(max = 500) String value) {
    }
}
