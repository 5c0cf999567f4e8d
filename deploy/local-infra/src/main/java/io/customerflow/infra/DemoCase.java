package io.customerflow.infra;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * One demo case: what was sent for one customer, what each sink is expected to show for it, and what was seen.
 * Expectations are what a merchant would expect, so the demo says plainly when the system did something else.
 */
public final class DemoCase {

    /** What the store, Shopify and Klaviyo should show: stored or not, mutations in order, metrics in order. */
    public record Expected(boolean stored, List<String> shopifyMutations, List<String> klaviyoMetrics) {
    }

    private final String label;
    private final String shop;
    private final String email;
    private final Long shopifyCustomerId;
    private final Expected expected;
    private final List<String> answers = new ArrayList<>();
    private String stored = "";
    private List<String> shopifyMutations = List.of();
    private List<String> klaviyoMetrics = List.of();

    DemoCase(String label, String shop, String email, Long shopifyCustomerId, Expected expected) {
        this.label = label;
        this.shop = shop;
        this.email = email;
        this.shopifyCustomerId = shopifyCustomerId;
        this.expected = expected;
    }

    void answered(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        answers.add(response.statusCode() + (body.contains("duplicate") ? " duplicate" : ""));
    }

    void observed(String storedCustomer, List<String> mutations, List<String> metrics) {
        this.stored = storedCustomer;
        this.shopifyMutations = List.copyOf(mutations);
        this.klaviyoMetrics = List.copyOf(metrics);
    }

    /** Whether the sinks show exactly what was expected (nothing missing, nothing extra). */
    public boolean asExpected() {
        // Shopify calls for one shop are made in order; Klaviyo events may overtake each other (each carries its own
        // time), so only their multiset counts there.
        return expected.stored() == !stored.isEmpty() && expected.shopifyMutations().equals(shopifyMutations)
                && sorted(expected.klaviyoMetrics()).equals(sorted(klaviyoMetrics));
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().toList();
    }

    public String label() {
        return label;
    }

    public String shop() {
        return shop;
    }

    public String email() {
        return email;
    }

    public Long shopifyCustomerId() {
        return shopifyCustomerId;
    }

    public Expected expected() {
        return expected;
    }

    /** Ingest's answers in the order sent, e.g. {@code 200}, {@code 200 duplicate}, {@code 401}. */
    public List<String> answers() {
        return List.copyOf(answers);
    }

    /** The store's customer as shown (name and booking counts), empty when it holds none. */
    public String stored() {
        return stored;
    }

    public List<String> shopifyMutations() {
        return shopifyMutations;
    }

    public List<String> klaviyoMetrics() {
        return klaviyoMetrics;
    }
}
