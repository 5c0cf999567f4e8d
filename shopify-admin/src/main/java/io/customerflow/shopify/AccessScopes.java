package io.customerflow.shopify;

import java.util.Collection;
import java.util.List;

/**
 * Shopify's access scopes as a grant lists them: a {@code write_} scope includes its {@code read_} scope, which
 * Shopify may then leave out of the list (Shopify's access scope documentation).
 */
public final class AccessScopes {

    private AccessScopes() {
    }

    /** The scopes of {@code required} that {@code granted} does not give, in the order required lists them. */
    public static List<String> missing(Collection<String> required, Collection<String> granted) {
        return required.stream().filter(scope -> !granted.contains(scope)
                && !(scope.startsWith("read_") && granted.contains("write_" + scope.substring("read_".length()))))
                .toList();
    }
}
