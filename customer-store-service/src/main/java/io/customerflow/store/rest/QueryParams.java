package io.customerflow.store.rest;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

import jakarta.ws.rs.BadRequestException;

/**
 * Typed query parameters, parsed here rather than by the framework: RESTEasy Reactive answers 404 when it can't
 * convert a query parameter, while a malformed parameter is the client's error (400, naming the parameter).
 */
final class QueryParams {

    private QueryParams() {
    }

    /** An ISO day ({@code 2026-11-01}), or null when absent. */
    static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " must be a date (YYYY-MM-DD)");
        }
    }

    /** A whole number in [min, max], or the default when absent. */
    static int integer(String name, String value, int defaultValue, int min, int max) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new BadRequestException(name + " must be a whole number");
        }
        if (n < min || n > max) {
            throw new BadRequestException(name + " must be between " + min + " and " + max);
        }
        return n;
    }
}
