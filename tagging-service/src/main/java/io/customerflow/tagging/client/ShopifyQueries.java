package io.customerflow.tagging.client;

/**
 * The Admin GraphQL documents tagging sends, exactly as sent (tests compare request bodies with them). Each asks
 * for {@code userErrors}, which Shopify answers with HTTP 200.
 */
final class ShopifyQueries {

    static final String TAGS_ADD = "mutation tagsAdd($id: ID!, $tags: [String!]!) "
            + "{ tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }";
    static final String TAGS_REMOVE = "mutation tagsRemove($id: ID!, $tags: [String!]!) "
            + "{ tagsRemove(id: $id, tags: $tags) { node { id } userErrors { field message } } }";

    /** Needs {@code read_customers}. */
    static final String CUSTOMER_BY_EMAIL = "query customerByEmail($identifier: CustomerIdentifierInput!) "
            + "{ customerByIdentifier(identifier: $identifier) { id } }";
    /** Needs {@code write_customers}; the input never carries marketing consent. */
    static final String CUSTOMER_CREATE = "mutation customerCreate($input: CustomerInput!) "
            + "{ customerCreate(input: $input) { customer { id } userErrors { field message } } }";

    /** Starts the shop's workflows that begin with the trigger; the payload's keys are the extension's fields. */
    static final String FLOW_TRIGGER_RECEIVE = "mutation flowTriggerReceive($handle: String, $payload: JSON) "
            + "{ flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } } }";

    private ShopifyQueries() {
    }
}
