package io.customerflow.infra;

/** A loopback Shopify Admin + Klaviyo the services are pointed at ({@code /shopify/...}, {@code /klaviyo/...}). */
public interface StandIn extends AutoCloseable {

    /** The base URL: Shopify under {@code /shopify/{shop}/admin/api/{version}/graphql.json}, Klaviyo under {@code /klaviyo}. */
    String baseUrl();

    /** Shopify's OAuth authorize and token endpoints, when this stand-in plays them (under {@code /shopify/{shop}/admin/oauth/}). */
    default java.util.Optional<ShopifyOAuthStandIn> shopifyOAuth() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
