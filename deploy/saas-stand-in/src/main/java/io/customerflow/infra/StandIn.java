package io.customerflow.infra;

/** A loopback Shopify Admin + Klaviyo the services are pointed at ({@code /shopify/...}, {@code /klaviyo/...}). */
public interface StandIn extends AutoCloseable {

    /** The base URL: Shopify under {@code /shopify/{shop}/admin/api/{version}/graphql.json}, Klaviyo under {@code /klaviyo}. */
    String baseUrl();

    @Override
    void close();
}
