package io.customerflow.store.rest;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.customerflow.problem.Problem;

/** The store's own failures as problem+json; the ones every service shares are in {@code ProblemMappers}. */
public class ExceptionMappers {

    /** A query parameter that parses but means nothing (e.g. a date range ending before it starts). */
    @ServerExceptionMapper
    public Response illegalArgument(IllegalArgumentException e) {
        return Problem.response(Response.Status.BAD_REQUEST, e.getMessage());
    }
}
