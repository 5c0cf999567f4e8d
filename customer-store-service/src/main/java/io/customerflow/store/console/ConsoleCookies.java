package io.customerflow.store.console;

import java.util.Locale;

/**
 * The console's cookies, all scoped to {@code /console}, HttpOnly and SameSite=Strict (a cross-site request never
 * carries them); Secure when the console is reached over HTTPS.
 */
final class ConsoleCookies {

    private ConsoleCookies() {
    }

    static String session(String value, long maxAgeSeconds, boolean secure) {
        return cookie(ConsoleSessions.COOKIE, value, maxAgeSeconds, secure);
    }

    static String signIn(String nonce, boolean secure) {
        return cookie(ConsoleSessions.SIGN_IN_COOKIE, nonce, 1800, secure);
    }

    static String cleared(String name, boolean secure) {
        return cookie(name, "", 0, secure);
    }

    static String lang(Locale locale, boolean secure) {
        return cookie(ConsoleFilter.LANG_COOKIE, ConsoleLocales.tag(locale), 365L * 24 * 3600, secure);
    }

    private static String cookie(String name, String value, long maxAge, boolean secure) {
        return name + "=" + value + "; Path=/console; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }
}
