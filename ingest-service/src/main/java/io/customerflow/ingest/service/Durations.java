package io.customerflow.ingest.service;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads minutes out of the booking app's duration texts: {@code 30}, {@code 45 m}, {@code 90 minutes},
 * {@code 1 hour}, {@code 1.5 hours}, {@code 1 hour 30 minutes}, {@code 60分}, {@code 1時間}, {@code 1小时}.
 */
final class Durations {

    private static final Pattern PART = Pattern.compile(
            "(\\d+(?:[.,]\\d+)?)\\s*(hours?|hrs?|h|時間|小时|minutes?|mins?|m|分钟|分)?");

    private Durations() {
    }

    /** Minutes, or null when the text holds no number. A bare number counts as minutes. */
    static Integer minutes(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = PART.matcher(text.toLowerCase(Locale.ROOT));
        double total = 0;
        boolean found = false;
        while (m.find()) {
            double value = Double.parseDouble(m.group(1).replace(',', '.'));
            String unit = m.group(2);
            boolean hours = unit != null && (unit.startsWith("h") || unit.equals("時間") || unit.equals("小时"));
            total += hours ? value * 60 : value;
            found = true;
        }
        int minutes = (int) Math.round(total);
        return found && minutes > 0 ? minutes : null;
    }

    /** Whether a variant title such as "60 Minutes" reads as a duration. */
    static boolean looksLikeDuration(String text) {
        return text != null && minutes(text) != null
                && text.toLowerCase(Locale.ROOT).matches(".*\\d.*(m|h|分|時間|小时).*|\\s*\\d+\\s*");
    }
}
