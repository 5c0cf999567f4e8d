package io.customerflow.shopify;

import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.mutiny.Uni;

/** Shopify's token endpoint, {@code POST https://{shop}/admin/oauth/access_token}; only {@link ShopifyTokens} calls it. */
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface ShopifyTokenApi {

    @POST
    Uni<Response> token(Map<String, String> body);
}
