package io.customerflow.problem;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

/**
 * Names a violated field the way the client sent it: {@code properties[0].name} in the body,
 * {@code Idempotency-Key} for a header, {@code id} for a path parameter, {@code body} for a missing body.
 * Bean Validation's own path ({@code create.request.properties[0].<list element>}) names Java methods and
 * parameters the client never saw.
 */
public final class ViolationFields {

    private ViolationFields() {
    }

    public static String name(ConstraintViolation<?> violation) {
        StringBuilder field = new StringBuilder();
        String parameter = null;
        Path.MethodNode method = null;
        for (Path.Node node : violation.getPropertyPath()) {
            ElementKind kind = node.getKind();
            if (kind == ElementKind.METHOD) {
                method = node.as(Path.MethodNode.class);
            } else if (kind == ElementKind.PARAMETER) {
                parameter = parameterName(violation.getRootBeanClass(), method, node.as(Path.ParameterNode.class));
            } else if (kind == ElementKind.PROPERTY || kind == ElementKind.CONTAINER_ELEMENT) {
                if (node.isInIterable()) {
                    field.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
                }
                // A container element (<list element>) is the indexed value itself, not a field of it.
                if (kind == ElementKind.PROPERTY && node.getName() != null) {
                    field.append(field.isEmpty() ? "" : ".").append(node.getName());
                }
            }
        }
        if (!field.isEmpty()) {
            return field.toString();
        }
        return parameter != null ? parameter : violation.getPropertyPath().toString();
    }

    /** The header, path or query name of a resource method parameter; {@code body} for the entity. */
    private static String parameterName(Class<?> resource, Path.MethodNode method, Path.ParameterNode parameter) {
        if (method == null) {
            return parameter.getName();
        }
        for (Class<?> c = resource; c != null && c != Object.class; c = c.getSuperclass()) {
            Method m;
            try {
                m = c.getDeclaredMethod(method.getName(), method.getParameterTypes().toArray(Class<?>[]::new));
            } catch (NoSuchMethodException e) {
                continue;
            }
            Annotation[] annotations = m.getParameterAnnotations()[parameter.getParameterIndex()];
            if (annotations.length == 0) {
                continue; // a generated subclass re-declares the method without its annotations
            }
            for (Annotation a : annotations) {
                String name = a instanceof HeaderParam h ? h.value()
                        : a instanceof PathParam p ? p.value()
                        : a instanceof QueryParam q ? q.value()
                        : a instanceof CookieParam k ? k.value() : null;
                if (name != null) {
                    return name;
                }
            }
            return "body"; // annotated, but not with a header, path or query name: the entity
        }
        return parameter.getName();
    }
}
