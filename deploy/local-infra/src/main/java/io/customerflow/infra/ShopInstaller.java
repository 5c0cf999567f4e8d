package io.customerflow.infra;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Installs a shop through ingest's OAuth the way a merchant's browser does (with a cookie jar): ingest's
 * {@code /shopify/install} redirects to Shopify's authorize page, which (on the stand-in) approves at once and
 * redirects back to {@code /shopify/callback}. The local run installs its demo shops this way at every {@code up}.
 */
public final class ShopInstaller {

    private ShopInstaller() {
    }

    /** @throws IllegalStateException naming the step that did not answer as an install should */
    public static void install(String ingestUrl, String shop) throws IOException, InterruptedException {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> started = browser.send(HttpRequest.newBuilder(
                URI.create(ingestUrl + "/shopify/install?shop=" + shop)).build(), HttpResponse.BodyHandlers.ofString());
        expect(started, 303, "/shopify/install");
        HttpResponse<String> approved = browser.send(HttpRequest.newBuilder(
                URI.create(started.headers().firstValue("Location").orElseThrow())).build(),
                HttpResponse.BodyHandlers.ofString());
        expect(approved, 302, "Shopify's authorize page");
        URI back = URI.create(approved.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> done = browser.send(HttpRequest.newBuilder(
                URI.create(ingestUrl + back.getPath() + "?" + back.getRawQuery())).build(),
                HttpResponse.BodyHandlers.ofString());
        expect(done, 200, "/shopify/callback");
    }

    private static void expect(HttpResponse<String> response, int status, String step) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(step + " answered " + response.statusCode() + " (expected " + status
                    + "): " + response.body().substring(0, Math.min(300, response.body().length())));
        }
    }
}
