package io.customerflow.shopify;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/**
 * What {@link AdminGraphql} needs to know; each service's {@code @ConfigMapping} group for Shopify extends it, so the
 * property names are the same in tagging-service ({@code tagging.shopify.*}) and ingest-service
 * ({@code ingest.shopify.*}). The defaults both share are here; each service overrides only the three that follow from
 * what it asks Shopify (a tagging mutation or a page of orders): give-up time, read timeout and assumed cost.
 */
public interface AdminApiSettings {

    /** Admin GraphQL endpoint; {@code {shop}} and {@code {version}} are filled in (tests: a loopback stand-in). */
    @WithDefault("https://{shop}/admin/api/{version}/graphql.json")
    String urlTemplate();

    /** The pinned Admin API version (quarterly; each is supported about a year). */
    @WithDefault("2026-10")
    String apiVersion();

    /** How long 429/5xx answers, timeouts and THROTTLED answers are retried before the call fails for good. */
    Duration giveUpAfter();

    /** First retry delay; doubles per attempt, with jitter. */
    @WithDefault("200ms")
    Duration retryBackoff();

    /** How long to wait for Shopify's answer before the attempt counts as a timeout (retried). */
    Duration readTimeout();

    /** Cost assumed for a query before Shopify has reported its {@code requestedQueryCost}. */
    int assumedCallCost();
}
