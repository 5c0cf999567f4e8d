package io.customerflow.store.config;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** customer-store-service settings (prefix {@code store}). */
@ConfigMapping(prefix = "store")
public interface StoreConfig {

    Api api();

    Consumer consumer();

    interface Consumer {
        /**
         * How long applying one event may take before it counts as a transient failure and is retried (a database
         * call that never answers, e.g. a connection lost without a reset, must not stall the partition forever).
         */
        @WithDefault("30s")
        java.time.Duration applyTimeout();
    }

    interface Api {
        /**
         * Bearer tokens accepted by the query API (operators, the merchant app). Several during a rotation.
         * Env: {@code STORE_API_TOKENS} (comma-separated), from a Secret.
         */
        List<String> tokens();

        /** The largest page a client may ask for (at least 1). */
        @WithDefault("500")
        @jakarta.validation.constraints.Min(1)
        int maxPageSize();
    }
}
