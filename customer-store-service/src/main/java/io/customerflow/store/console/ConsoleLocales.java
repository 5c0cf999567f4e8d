package io.customerflow.store.console;

import java.util.List;
import java.util.Locale;

/** The console's languages: English, Simplified Chinese, Japanese. */
final class ConsoleLocales {

    static final Locale ZH_CN = Locale.forLanguageTag("zh-CN");
    static final Locale JA = Locale.JAPANESE;
    static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, ZH_CN, JA);

    private ConsoleLocales() {
    }

    /** The explicit choice, else the remembered one, else the browser's best match, else English. */
    static Locale pick(String chosen, String remembered, String acceptLanguage) {
        Locale explicit = supported(chosen);
        if (explicit != null) {
            return explicit;
        }
        Locale cookie = supported(remembered);
        if (cookie != null) {
            return cookie;
        }
        if (acceptLanguage != null) {
            try {
                for (Locale.LanguageRange range : Locale.LanguageRange.parse(acceptLanguage)) {
                    Locale match = supported(range.getRange());
                    if (match != null) {
                        return match;
                    }
                }
            } catch (IllegalArgumentException e) {
                // a malformed header: the default
            }
        }
        return Locale.ENGLISH;
    }

    /** {@code en*} → en, {@code zh*} → zh-CN, {@code ja*} → ja; anything else null. */
    static Locale supported(String tag) {
        if (tag == null || tag.isBlank()) {
            return null;
        }
        String language = Locale.forLanguageTag(tag.trim()).getLanguage();
        return switch (language) {
            case "en" -> Locale.ENGLISH;
            case "zh" -> ZH_CN;
            case "ja" -> JA;
            default -> null;
        };
    }

    static String tag(Locale locale) {
        return locale.toLanguageTag();
    }
}
