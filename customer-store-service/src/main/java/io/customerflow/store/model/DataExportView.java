package io.customerflow.store.model;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.databind.JsonNode;

/** What was held about a customer when Shopify's {@code customers/data_request} arrived. */
public record DataExportView(long id, String shop, Long dataRequestId, OffsetDateTime requestedAt, JsonNode content) {
}
