package io.customerflow.shopify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class AccessScopesTest {

    @Test
    void aWriteScopeGivesItsReadScopeAndNothingElse() {
        List<String> required = List.of("read_orders", "write_customers", "read_customers", "read_products");
        assertEquals(List.of(), AccessScopes.missing(required,
                List.of("write_orders", "write_customers", "read_products")));
        assertEquals(List.of("read_products"), AccessScopes.missing(required,
                List.of("read_orders", "write_customers")));
        assertEquals(List.of("write_customers"), AccessScopes.missing(required,
                List.of("read_orders", "read_customers", "read_products")), "a read scope gives no write");
        assertEquals(List.of("read_orders"), AccessScopes.missing(required,
                List.of("write_orders_extra", "write_customers", "read_products")), "only the same resource");
    }
}
