package io.customerflow.ingest.service;

import java.util.Arrays;
import java.util.Optional;

/** The Shopify webhook topics ingest handles; others are acknowledged and ignored. */
public enum WebhookTopic {
    ORDERS_CREATE("orders/create"),
    ORDERS_UPDATED("orders/updated"),
    ORDERS_CANCELLED("orders/cancelled"),
    CUSTOMERS_DATA_REQUEST("customers/data_request"),
    CUSTOMERS_REDACT("customers/redact"),
    SHOP_REDACT("shop/redact"),
    APP_UNINSTALLED("app/uninstalled");

    private final String header;

    WebhookTopic(String header) {
        this.header = header;
    }

    public String header() {
        return header;
    }

    public static Optional<WebhookTopic> of(String header) {
        return Arrays.stream(values()).filter(t -> t.header.equals(header)).findFirst();
    }
}
