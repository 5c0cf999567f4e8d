package io.customerflow.infra;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The settings of a local run, in the precedence Quarkus documents and the README promises: system properties (400)
 * over environment variables (300) over the user's connect file ({@link #CONNECT_ORDINAL}) over the files the
 * launcher generates ({@link #GENERATED_ORDINAL}) over each service's {@code application.properties} (250).
 *
 * <p>Why the ordinals are written into the files: a file named by {@code -Dquarkus.config.locations} takes the
 * ordinal of the source that named it (a system property: 400) unless it declares {@code config_ordinal}, so without
 * them the generated files silently beat every exported variable.
 */
public final class LocalSettings {

    /** Like {@code $PWD/config/application.properties}: above the packaged defaults, below the environment. */
    public static final int GENERATED_ORDINAL = 260;
    /** The user's connect file: above what the launcher generates, below the environment. */
    public static final int CONNECT_ORDINAL = 270;

    static final String CONNECT_FILE = "connect.properties";

    private final Path connectFile;
    private final Map<String, String> environment;
    private final Properties connect;

    /**
     * @param data        the run's data directory; the connect file is {@code connect.properties} in it
     * @param environment what the services will see (the launcher's environment, or a test's)
     */
    public LocalSettings(Path data, Map<String, String> environment) {
        this.connectFile = data.resolve(CONNECT_FILE);
        this.environment = environment;
        this.connect = read(connectFile);
    }

    public Path connectFile() {
        return connectFile;
    }

    /** The value a service will see above the generated files, if anything sets it (the MicroProfile env rule). */
    public Optional<String> userValue(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            value = environment.get(envName(property));
        }
        if (value == null) {
            value = connect.getProperty(property);
        }
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }

    /** {@code tagging.shopify.url-template} → {@code TAGGING_SHOPIFY_URL_TEMPLATE}. */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The connect file as the services load it: the user's lines, then the ordinal that places it. */
    String connectForServices() {
        StringBuilder out = new StringBuilder("# ").append(connectFile).append(", as the services load it\n");
        if (Files.exists(connectFile)) {
            try {
                out.append(Files.readString(connectFile, StandardCharsets.UTF_8)).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out.append("config_ordinal=").append(CONNECT_ORDINAL).append('\n').toString();
    }

    /** Writes the commented example the README points to, unless the user already has a connect file. */
    void writeTemplateIfMissing() throws IOException {
        if (Files.exists(connectFile)) {
            OwnerOnlyFiles.restrict(connectFile); // it holds the user's tokens and keys
            return;
        }
        Files.createDirectories(connectFile.getParent());
        try (var in = LocalSettings.class.getResourceAsStream("/customer-flow/connect.properties.example")) {
            OwnerOnlyFiles.write(connectFile, in.readAllBytes());
        }
    }

    private static Properties read(Path file) {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return properties;
    }
}
