package io.customerflow.ingest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * A resource as someone might add it and forget to open in {@code quarkus.http.auth.permission.*}: deployed in the
 * tests only, to show that it is closed to anonymous callers (401) and to every known key (403).
 */
@Path(UnopenedResource.PATH)
public class UnopenedResource {

    static final String PATH = "/v1/not-opened-yet";

    @GET
    public String secret() {
        return "should never be served";
    }
}
