package io.customerflow.store.console;

import java.util.List;

/**
 * What every console page shows around its content: the page (for links), the shop shown and the shops the
 * operator may switch to, the CSRF token of the sign-out form, the client signed in, the language.
 */
public record Frame(String page, String shop, List<String> shops, String csrf, String client, String lang) {
}
