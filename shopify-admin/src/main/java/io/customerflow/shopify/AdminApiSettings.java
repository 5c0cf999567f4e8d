package io.customerflow.shopify;

import java.time.Duration;

/**
 * What {@link AdminGraphql} needs to know; each service's {@code @ConfigMapping} group for Shopify extends it, so the
 * property names and defaults are the same in tagging-service ({@code tagging.shopify.*}) and ingest-service
 * ({@code ingest.shopify.*}).
 */
public interface AdminApiSettings {

    /** Admin GraphQL endpoint; {@code {shop}} and {@code {version}} are filled in. */
    String urlTemplate();

    /** The pinned Admin API version (quarterly; each is supported about a year). */
    String apiVersion();

    /** How long 429/5xx answers, timeouts and THROTTLED answers are retried before the call fails for good. */
    Duration giveUpAfter();

    /** First retry delay; doubles per attempt, with jitter. */
    Duration retryBackoff();

    /** How long to wait for Shopify's answer before the attempt counts as a timeout (retried). */
    Duration readTimeout();

    /** Cost assumed for a query before Shopify has reported its {@code requestedQueryCost}. */
    int assumedCallCost();
}
