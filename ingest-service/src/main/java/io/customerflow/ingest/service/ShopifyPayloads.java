package io.customerflow.ingest.service;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The parts of Shopify's webhook bodies ingest reads (REST resources, snake_case). Everything else in the
 * payload is ignored; ids are 64-bit integers (they exceed 2^53).
 */
public final class ShopifyPayloads {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // Shopify sends times as ISO-8601 strings only; java.time would also take a number as epoch seconds.
            .addModule(new SimpleModule().addDeserializer(OffsetDateTime.class, new IsoOffsetDateTime())
                    .addDeserializer(BigDecimal.class, new BoundedDecimal())
                    .addDeserializer(String.class, TextWithoutNul.STRIPPING))
            .build();

    private ShopifyPayloads() {
    }

    /** @throws BadPayloadException when the body is not JSON of the expected shape */
    public static <T> T parse(byte[] body, Class<T> type) {
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new BadPayloadException("body is JSON null");
            }
            return value;
        } catch (IOException e) {
            String detail = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    ? jpe.getOriginalMessage() : "unreadable body";
            throw new BadPayloadException("body is not a valid " + type.getSimpleName() + at(e) + ": " + detail);
        }
    }

    /** Where in the body a mapping failed, e.g. {@code " at line_items[0].price"}; empty when unknown. */
    private static String at(IOException e) {
        if (!(e instanceof com.fasterxml.jackson.databind.JsonMappingException jme) || jme.getPath().isEmpty()) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (var ref : jme.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return " at " + path;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Order(Long id, String name, String email, String contactEmail, String phone,
            OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime cancelledAt, String tags,
            String currency, String customerLocale, Customer customer, List<LineItem> lineItems,
            String orderStatusUrl) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Customer(Long id, String email, String firstName, String lastName, String phone, String locale) {
    }

    /**
     * A line item; {@code productTags} only where the Admin API read them with the order (reconciliation, backfill):
     * a webhook's REST body has none, so they are null there (unknown, not "no tags").
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LineItem(Long id, Long productId, Long variantId, String sku, String title, String variantTitle,
            Integer quantity, BigDecimal price, List<Property> properties, List<String> productTags) {

        public LineItem(Long id, Long productId, Long variantId, String sku, String title, String variantTitle,
                Integer quantity, BigDecimal price, List<Property> properties) {
            this(id, productId, variantId, sku, title, variantTitle, quantity, price, properties, null);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Property(String name, String value) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PrivacyCustomer(Long id, String email, String phone) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CustomersRedact(Long shopId, String shopDomain, PrivacyCustomer customer,
            List<Long> ordersToRedact) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CustomersDataRequest(Long shopId, String shopDomain, PrivacyCustomer customer,
            List<Long> ordersRequested, DataRequest dataRequest) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DataRequest(Long id) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ShopRedact(Long shopId, String shopDomain) {
    }

    /** The body of {@code app/uninstalled}: the shop itself (Shopify's REST Shop resource). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Shop(Long id, String myshopifyDomain) {
    }
}
