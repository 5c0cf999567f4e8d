package io.customerflow.problem;

import java.util.List;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem document ({@code application/problem+json}).
 *
 * @param errors one entry per bad field, when the problem is invalid input
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {
    }

    public static Response response(Response.Status status, String detail) {
        return response(status, detail, List.of());
    }

    /** A status JAX-RS has no constant for (e.g. 422 Unprocessable Content). */
    public static Response response(int status, String title, String detail) {
        return Response.status(status).type(MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, detail, List.of())).build();
    }

    public static Response response(Response.Status status, String detail, List<FieldError> errors) {
        return Response.status(status).type(MEDIA_TYPE)
                .entity(new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail, errors))
                .build();
    }
}
