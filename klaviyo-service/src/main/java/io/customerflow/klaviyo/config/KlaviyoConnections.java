package io.customerflow.klaviyo.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import io.customerflow.events.ShopDomains;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;

/**
 * Checks, at start, that the Klaviyo settings can work, and logs where this service sends what (the API root and
 * each account's name and shops, never a key). An account that serves no shop, or a shop two accounts claim, stops
 * the service with the property to set. The local launcher prints the {@code connections:} line this writes.
 */
@Startup(Interceptor.Priority.PLATFORM_BEFORE)
@Singleton
public class KlaviyoConnections {

    public KlaviyoConnections(KlaviyoConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Klaviyo settings cannot work: " + String.join("; ", problems));
        }
        Log.infof("connections: Klaviyo %s; accounts %s", config.baseUrl(), describe(config.accounts()));
    }

    /** Every setting that cannot work, each naming the property to set. */
    static List<String> problems(KlaviyoConfig config) {
        List<String> problems = new ArrayList<>();
        if (!config.baseUrl().startsWith("https://") && !config.baseUrl().startsWith("http://")) {
            problems.add("klaviyo.base-url must be an http(s) URL");
        }
        Map<String, String> accountByShop = new HashMap<>();
        for (Map.Entry<String, KlaviyoConfig.Account> account : new TreeMap<>(config.accounts()).entrySet()) {
            String prefix = "klaviyo.accounts." + account.getKey() + ".";
            if (account.getValue().apiKey().isBlank()) {
                problems.add(prefix + "api-key is blank");
            }
            if (account.getValue().shops().stream().allMatch(String::isBlank)) {
                problems.add(prefix + "shops is empty: list the shops whose bookings go to this account");
            }
            for (String shop : account.getValue().shops()) {
                if (!ShopDomains.isValid(shop)) {
                    problems.add(prefix + "shops has '" + shop + "', not a <name>.myshopify.com domain");
                }
                String other = accountByShop.putIfAbsent(shop, account.getKey());
                if (other != null) {
                    problems.add(prefix + "shops has " + shop + ", which klaviyo.accounts." + other
                            + ".shops has too: a shop's bookings go to one account");
                }
            }
        }
        return problems;
    }

    private static String describe(Map<String, KlaviyoConfig.Account> accounts) {
        if (accounts.isEmpty()) {
            return "(none: set klaviyo.accounts.<name>.api-key and .shops)";
        }
        return new TreeMap<>(accounts).entrySet().stream()
                .map(e -> e.getKey() + "=" + String.join("+", new TreeSet<>(e.getValue().shops())))
                .collect(Collectors.joining(", "));
    }
}
