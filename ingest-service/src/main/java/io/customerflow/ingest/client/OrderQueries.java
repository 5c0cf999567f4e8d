package io.customerflow.ingest.client;

/**
 * The Admin GraphQL documents ingest sends, exactly as sent (the stand-in and the tests read them). Orders are read
 * with the fields the {@code orders/*} webhooks' REST body gives ingest (see {@code ShopifyPayloads.Order}), sorted
 * by the field the pass's window filters on, so a page boundary is a checkpoint. Each line item's product comes with
 * its tags, so a booking product is recognised by its tag without a look-up (a list of scalars on an object the
 * query already reads for its id: no extra cost).
 */
public final class OrderQueries {

    /** Variables: {@code first}, {@code after} (cursor or null), {@code query} (search syntax), {@code lineItems}. */
    public static final String ORDERS_BY_UPDATED_AT = orders("UPDATED_AT");

    /** The same, sorted by creation: a backfill's window is a range of creation dates. */
    public static final String ORDERS_BY_CREATED_AT = orders("CREATED_AT");

    /** Variables: {@code query}. How many orders a window holds, for a backfill's ETA. */
    public static final String ORDERS_COUNT = "query ordersCount($query: String!) "
            + "{ ordersCount(query: $query, limit: null) { count precision } }";

    /**
     * Variables: {@code query} ({@link #bulkOrders}). Starts a bulk export; {@code groupObjects: true} puts each
     * order's line items right after it, so an order is whole when the next one begins (Shopify's default since
     * 2026-01 is ungrouped).
     */
    public static final String BULK_RUN = "mutation bulkOrders($query: String!) "
            + "{ bulkOperationRunQuery(query: $query, groupObjects: true) { bulkOperation { id status } "
            + "userErrors { field message code } } }";

    /** Variables: {@code id}. Where a bulk operation stands, and its result's address once it completed. */
    public static final String BULK_STATUS = "query bulkOperation($id: ID!) { node(id: $id) { ... on BulkOperation "
            + "{ id status errorCode objectCount rootObjectCount url } } }";

    private OrderQueries() {
    }

    /**
     * The query a bulk operation runs: the same fields as a page, every line item (a bulk query takes no page
     * sizes), orders whose creation lies in the search's window.
     */
    public static String bulkOrders(String search) {
        return "{ orders(query: \"" + search + "\", sortKey: CREATED_AT) { edges { node { id name email createdAt "
                + "updatedAt cancelledAt tags customerLocale currencyCode customer { id firstName lastName locale "
                + "defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } } "
                + "lineItems { edges { node { id quantity sku title variantTitle product { id tags } variant { id } "
                + "customAttributes { key value } originalUnitPriceSet { shopMoney { amount } } } } } } } } }";
    }

    private static String orders(String sortKey) {
        return "query orders($first: Int!, $after: String, $query: String!, $lineItems: Int!) "
                + "{ orders(first: $first, after: $after, query: $query, sortKey: " + sortKey + ") "
                + "{ pageInfo { hasNextPage endCursor } nodes { id name email createdAt updatedAt cancelledAt tags "
                + "customerLocale currencyCode customer { id firstName lastName locale "
                + "defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } } "
                + "lineItems(first: $lineItems) { pageInfo { hasNextPage } nodes { id quantity sku title "
                + "variantTitle product { id tags } variant { id } customAttributes { key value } "
                + "originalUnitPriceSet { shopMoney { amount } } } } } } }";
    }
}
