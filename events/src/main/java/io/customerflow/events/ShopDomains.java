package io.customerflow.events;

import java.util.regex.Pattern;

/**
 * A shop's permanent {@code <name>.myshopify.com} domain: the one form every event, API parameter and setting
 * names a shop by. The JSON Schemas' {@code shop} definition ({@code schemas/common.schema.json}) uses the same
 * pattern; {@code ShopDomainsTest} keeps them equal.
 */
public final class ShopDomains {

    /** For {@code @Pattern(regexp = ...)}: a lower-case name of up to 100 letters, digits and dashes. */
    public static final String PATTERN = "[a-z0-9][a-z0-9-]{0,99}\\.myshopify\\.com";

    /** What a client is told when a shop parameter doesn't match. */
    public static final String MESSAGE = "must be a {name}.myshopify.com domain";

    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private ShopDomains() {
    }

    public static boolean isValid(String shop) {
        return shop != null && COMPILED.matcher(shop).matches();
    }
}
