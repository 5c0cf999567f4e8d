package io.customerflow.problem;

import java.util.Comparator;
import java.util.List;

import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * The failures every HTTP service answers alike, as problem+json: bad input is a 400 naming each field the way the
 * client sent it, never a 500; an unexpected failure is a 500 that logs only the exception's class (its message may
 * carry input, and so personal data). A service adds mappers for its own exceptions beside these.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response invalidFields(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(ViolationFields.name(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field)).toList();
        return Problem.response(Response.Status.BAD_REQUEST, "invalid fields: "
                + String.join(", ", errors.stream().map(Problem.FieldError::field).distinct().toList()), errors);
    }

    /** A value of the wrong type or format (Quarkus has a built-in mapper for this type: ours names the field). */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response mismatchedInput(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        return malformedJson(e);
    }

    /** Malformed JSON, or a value of the wrong type: names the field when Jackson knows it. */
    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        String field = null;
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse(null);
        } else if (e instanceof InputCoercionException c && c.getProcessor() != null) {
            field = path(c.getProcessor().getParsingContext()); // a number out of its type's range
        }
        if (field != null) {
            return Problem.response(Response.Status.BAD_REQUEST, "invalid value for " + field,
                    List.of(new Problem.FieldError(field, "has the wrong type or format")));
        }
        return Problem.response(Response.Status.BAD_REQUEST, "body is not valid JSON");
    }

    /** {@code properties[0].name} of the value the parser stopped at; null at the top level. */
    private static String path(JsonStreamContext context) {
        String path = null;
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            String step = c.inArray() ? "[" + c.getCurrentIndex() + "]" : c.getCurrentName();
            if (step == null) {
                return null;
            }
            path = path == null ? step : step + (path.startsWith("[") ? "" : ".") + path;
        }
        return path;
    }

    @ServerExceptionMapper
    public Response unsupportedMediaType(NotSupportedException e) {
        return Problem.response(Response.Status.UNSUPPORTED_MEDIA_TYPE, "send application/json");
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json); // Quarkus' reader wraps some parse errors (e.g. number overflow) in a 400
        }
        Response.Status status = Response.Status.fromStatusCode(e.getResponse().getStatus());
        if (status == null) {
            return e.getResponse();
        }
        String detail = e.getMessage() == null ? status.getReasonPhrase() : e.getMessage();
        Response problem = Problem.response(status, detail);
        e.getResponse().getHeaders().forEach((k, v) -> {
            if (!"Content-Type".equalsIgnoreCase(k)) {
                v.forEach(value -> problem.getHeaders().add(k, value));
            }
        });
        return problem;
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        // Class name only at ERROR: messages may carry input; the stack trace is there at DEBUG.
        LOG.errorf("unexpected %s", e.getClass().getName());
        LOG.debug("unexpected failure", e);
        return Problem.response(Response.Status.INTERNAL_SERVER_ERROR, "unexpected error");
    }
}
