package io.customerflow.events;

import java.time.OffsetDateTime;

/** Shopify's {@code app/uninstalled}: the shop's access token no longer works; stop calling that shop. */
public record AppUninstalled(String shop, OffsetDateTime uninstalledAt) {
}
