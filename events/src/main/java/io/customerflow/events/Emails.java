package io.customerflow.events;

import java.util.Locale;

/** Email normalization for keys and matching; the original is kept for display. */
public final class Emails {

    private Emails() {
    }

    /** Trimmed and lower-cased (root locale, so a Turkish default locale can't change {@code I}); null if blank. */
    public static String normalize(String email) {
        if (email == null) {
            return null;
        }
        String trimmed = email.trim();
        return trimmed.isEmpty() ? null : trimmed.toLowerCase(Locale.ROOT);
    }

    /** For logs: only first letters survive, e.g. {@code j***@e***}. */
    public static String mask(String email) {
        if (email == null || email.isBlank()) {
            return "<none>";
        }
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        String domain = email.substring(at + 1);
        return email.charAt(0) + "***@" + (domain.isEmpty() ? "" : domain.charAt(0) + "***");
    }
}
