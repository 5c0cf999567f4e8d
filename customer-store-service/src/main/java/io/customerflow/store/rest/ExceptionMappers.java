package io.customerflow.store.rest;

import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.logging.Log;

/** Every failure as problem+json. */
public class ExceptionMappers {

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        String detail = e.getConstraintViolations().stream()
                .map(v -> lastNode(v.getPropertyPath().toString()) + " " + v.getMessage()).sorted()
                .reduce((a, b) -> a + "; " + b).orElse("invalid request");
        return Problem.response(Response.Status.BAD_REQUEST, detail);
    }

    @ServerExceptionMapper
    public Response illegalArgument(IllegalArgumentException e) {
        return Problem.response(Response.Status.BAD_REQUEST, e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response.Status status = Response.Status.fromStatusCode(e.getResponse().getStatus());
        return status == null ? e.getResponse() : Problem.response(status, e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        // Class name only at ERROR: messages may carry input; the stack trace is there at DEBUG.
        Log.errorf("unexpected %s", e.getClass().getName());
        Log.debug("unexpected failure", e);
        return Problem.response(Response.Status.INTERNAL_SERVER_ERROR, "unexpected error");
    }

    private static String lastNode(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
