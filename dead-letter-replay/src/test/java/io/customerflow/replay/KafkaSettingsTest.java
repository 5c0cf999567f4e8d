package io.customerflow.replay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/** replay prints its Kafka settings; no secret among them is ever printed. */
class KafkaSettingsTest {

    @Test
    void everySettingKafkaTypesAsAPasswordIsPrintedOnlyAsSet() {
        Map<String, Object> settings = new TreeMap<>();
        for (ConfigDef def : java.util.List.of(ConsumerConfig.configDef(), ProducerConfig.configDef())) {
            def.configKeys().forEach((name, key) -> {
                if (key.type == ConfigDef.Type.PASSWORD) {
                    settings.put(name, "s3cr3t-" + name);
                }
            });
        }
        assertTrue(settings.containsKey("sasl.oauthbearer.assertion.private.key.passphrase")
                || settings.keySet().stream().anyMatch(n -> n.contains("passphrase")) || settings.size() >= 3,
                "Kafka's password settings: " + settings.keySet());
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"u\" password=\"s3cr3t-jaas\";");
        settings.put("bootstrap.servers", "broker:9093");
        String printed = KafkaSettings.describe(settings);
        assertFalse(printed.contains("s3cr3t"), printed);
        assertTrue(printed.contains("bootstrap.servers=broker:9093"), printed);
    }
}
