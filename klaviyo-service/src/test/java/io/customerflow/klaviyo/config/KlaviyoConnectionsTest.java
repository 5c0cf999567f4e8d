package io.customerflow.klaviyo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.customerflow.infra.TestConfigs;

/** What the start-up check says of Klaviyo accounts that cannot work (the packaged start: MisconfigurationStopsStartTest). */
class KlaviyoConnectionsTest {

    static final String SECRET = "pk_never_printed_0815";

    static KlaviyoConfig config(Map<String, String> properties) {
        return TestConfigs.mapping(KlaviyoConfig.class, properties);
    }

    @Test
    void anAccountWithoutShopsNamesTheShopsPropertyAndNeverTheKey() {
        String message;
        try {
            message = String.join("; ", KlaviyoConnections.problems(config(Map.of("klaviyo.accounts.lonely.api-key",
                    SECRET))));
        } catch (RuntimeException e) {
            message = e.getMessage(); // the mapping itself refuses a missing list
        }
        assertTrue(message.contains("klaviyo.accounts.lonely.shops"), message);
        assertFalse(message.contains(SECRET), message);
    }

    @Test
    void aShopClaimedByTwoAccountsNamesBoth() {
        List<String> problems = KlaviyoConnections.problems(config(Map.of("klaviyo.accounts.a.api-key", "pk_a",
                "klaviyo.accounts.a.shops", "x.myshopify.com", "klaviyo.accounts.b.api-key", "pk_b",
                "klaviyo.accounts.b.shops", "x.myshopify.com")));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("klaviyo.accounts.b.shops") && problems.get(0).contains(
                "klaviyo.accounts.a.shops"), problems.get(0));
    }

    @Test
    void aShopThatIsNoShopifyDomainIsNamed() {
        List<String> problems = KlaviyoConnections.problems(config(Map.of("klaviyo.accounts.a.api-key", "pk_a",
                "klaviyo.accounts.a.shops", "example.com")));
        assertEquals(List.of("klaviyo.accounts.a.shops has 'example.com', not a <name>.myshopify.com domain"), problems);
    }

    @Test
    void noStaticAccountAtAllWorks() {
        // Shops bring their keys through the shop registry; the static accounts are only a seed.
        assertEquals(List.of(), KlaviyoConnections.problems(config(Map.of())));
    }
}
