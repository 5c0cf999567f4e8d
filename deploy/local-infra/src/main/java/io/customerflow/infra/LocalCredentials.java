package io.customerflow.infra;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;

/**
 * The credentials the local run's services accept. With only the stand-in, the public demo ones (printed by
 * {@code up}, in the README). Once a real shop or Klaviyo account is connected, none of those: the data directory's own
 * random API key, store token and operator key ({@value #FILE}, 0600, made at the first connected {@code up} and
 * kept; never printed or logged), and no webhook secret but the user's app's. So a tunnel to a connected local run
 * opens nothing to someone who read this repository.
 *
 * @param webhookSecret the demo's, or empty: the user's app secret ({@code ingest.shopify.webhook-secrets})
 * @param appSecret the client secret of the demo app the stand-in plays (it signs the demo shops' webhooks): the
 *     public demo one, or once connected the run's own, so no one can sign for the demo shops of a connected run
 */
public record LocalCredentials(String apiKey, String storeToken, String operatorKey, Optional<String> webhookSecret,
        String appSecret) {

    public static final String FILE = "credentials.properties";

    public static final LocalCredentials DEMO = new LocalCredentials(LocalDemo.API_KEY, LocalDemo.STORE_TOKEN,
            LocalDemo.OPERATOR_KEY, Optional.of(LocalDemo.WEBHOOK_SECRET), LocalDemo.APP_SECRET);

    public boolean demo() {
        return webhookSecret.isPresent();
    }

    /** What the run that {@code up} last started accepts: its own credentials when it was connected, else the demo's. */
    public static LocalCredentials of(Path data) {
        Path file = data.resolve(FILE);
        if (!Files.exists(file)) {
            return DEMO;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new LocalCredentials(p.getProperty("api-key"), p.getProperty("store-token"),
                p.getProperty("operator-key"), Optional.empty(), p.getProperty("app-secret"));
    }

    /** For a run being started: the demo's (and the file removed) or, connected, the directory's own (made once). */
    static LocalCredentials forRun(Path data, boolean connected) throws IOException {
        Path file = data.resolve(FILE);
        if (!connected) {
            Files.deleteIfExists(file);
            return DEMO;
        }
        if (!Files.exists(file) || of(data).appSecret() == null) {
            OwnerOnlyFiles.write(file, "# the local run's own credentials while a real shop or account is connected:"
                    + " keep them private\napi-key=" + random("cf_key_") + "\nstore-token=" + random("cf_token_")
                    + "\noperator-key=" + random("cf_operator_") + "\napp-secret=" + random("cf_app_") + "\n");
        }
        return of(data);
    }

    private static String random(String prefix) {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return demo() ? "the demo's credentials" : "credentials of " + FILE;
    }
}
