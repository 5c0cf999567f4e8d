package io.customerflow.shopify;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

/**
 * Shopify Admin GraphQL: {@code POST https://{shop}/admin/api/{version}/graphql.json}. Built per shop by
 * {@link AdminGraphql}, which owns pacing, retries and error mapping; nothing else calls this.
 */
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface ShopifyGraphqlApi {

    @POST
    Uni<Response> execute(@HeaderParam("X-Shopify-Access-Token") String accessToken, GraphqlRequest request);

    /** A GraphQL request body. */
    record GraphqlRequest(String query, java.util.Map<String, Object> variables) {
    }
}
