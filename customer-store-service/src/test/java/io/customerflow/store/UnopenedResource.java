package io.customerflow.store;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * A resource as someone might add it and forget to open in {@code quarkus.http.auth.permission.*}: deployed in the
 * tests only, to show that it is closed to anonymous callers and console sessions (401) and to an API token (403).
 */
@Path(UnopenedResource.PATH)
public class UnopenedResource {

    static final String PATH = "/reports-not-opened-yet";

    @GET
    public String secret() {
        return "should never be served";
    }
}
