package io.customerflow.replay;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Kafka client settings taken the way the services take them: {@code kafka.*} properties (the services'
 * {@code application.properties}, e.g. the chart's ConfigMap) under {@code KAFKA_*} environment variables (e.g. the
 * chart's {@code KAFKA_SASL_JAAS_CONFIG} from a Secret), under explicit command-line values. Only names the Kafka
 * clients know are kept, so Kubernetes' service-link variables ({@code KAFKA_PORT}...) are not mistaken for settings.
 */
public final class KafkaSettings {

    private static final Set<String> KNOWN = known();

    private KafkaSettings() {
    }

    /**
     * @param file        a properties file with {@code kafka.*} lines, or null
     * @param environment usually {@code System.getenv()}
     * @param explicit    command-line settings (Kafka names), winning over both
     */
    public static Map<String, Object> resolve(Path file, Map<String, String> environment, Map<String, String> explicit) {
        Map<String, Object> settings = new TreeMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            properties.stringPropertyNames().stream().filter(k -> k.startsWith("kafka."))
                    .forEach(k -> put(settings, k.substring("kafka.".length()), properties.getProperty(k)));
        }
        environment.forEach((name, value) -> {
            if (name.startsWith("KAFKA_")) {
                put(settings, name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        explicit.forEach((k, v) -> put(settings, k, v));
        return settings;
    }

    private static void put(Map<String, Object> settings, String name, String value) {
        if (KNOWN.contains(name) && value != null && !value.isBlank()) {
            settings.put(name, value.trim());
        }
    }

    /** The settings as they may be printed: secrets (JAAS config, passwords, keys) shown only as set. */
    public static String describe(Map<String, Object> settings) {
        return settings.entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? "<set>" : e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /**
     * Whether a setting is a secret: every setting Kafka itself types as a password (e.g. the OAuth assertion's
     * private-key passphrase), and by name anything that looks like one, for settings Kafka doesn't know.
     */
    static boolean isSecret(String name) {
        return PASSWORDS.contains(name) || name.contains("jaas") || name.contains("password")
                || name.contains("secret") || name.contains("passphrase") || name.contains("private")
                || name.endsWith(".key") || name.contains("keystore.key") || name.contains("credentials")
                || name.contains("token");
    }

    private static final Set<String> PASSWORDS = passwords();

    private static Set<String> passwords() {
        Set<String> names = new HashSet<>();
        for (var def : java.util.List.of(ConsumerConfig.configDef(), ProducerConfig.configDef())) {
            def.configKeys().forEach((name, key) -> {
                if (key.type == org.apache.kafka.common.config.ConfigDef.Type.PASSWORD) {
                    names.add(name);
                }
            });
        }
        return names;
    }

    private static Set<String> known() {
        Set<String> names = new HashSet<>(ConsumerConfig.configNames());
        names.addAll(ProducerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return Set.copyOf(names);
    }
}
