package io.customerflow.store.console;

import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

import io.quarkus.qute.TemplateExtension;

/**
 * Times in the console's pages: UTC to the second ({@code 2026-12-04T13:20:05Z}) in a {@code <time datetime>}, which
 * console.js shows in the page's language and the browser's time zone; never the database's microseconds.
 */
@TemplateExtension
final class ConsoleTimes {

    private ConsoleTimes() {
    }

    static String utcSeconds(OffsetDateTime time) {
        return utcSeconds(time.toInstant());
    }

    static String utcSeconds(java.time.Instant time) {
        return time.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
