package io.customerflow.problem;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * Quarkus Security's refusals as problem+json, like every other error: an unknown token and a closed path without
 * one are 401 with {@code WWW-Authenticate: Bearer}; a known token on a path its roles don't open is 403. The
 * services turn off proactive authentication so that these reach the mappers (and the services' response filters).
 */
public class SecurityProblems {

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response unknownToken(AuthenticationFailedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response noToken(UnauthorizedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response notAllowed(ForbiddenException e) {
        return Problem.response(Response.Status.FORBIDDEN, "this token may not use this endpoint");
    }

    /** 401, problem+json, with {@code WWW-Authenticate: Bearer}. */
    public static Response unauthorized() {
        Response problem = Problem.response(Response.Status.UNAUTHORIZED, "missing or unknown bearer token");
        problem.getHeaders().add(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        return problem;
    }
}
