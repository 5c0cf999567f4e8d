package io.customerflow.helm;

import static io.customerflow.helm.Charts.PRODUCTION;
import static io.customerflow.helm.Charts.name;
import static io.customerflow.helm.Charts.named;
import static io.customerflow.helm.Charts.ofKind;
import static io.customerflow.helm.Charts.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The in-cluster dead-letter replay: a Job from the consumer's own image, with the consumer's ConfigMap and Kafka
 * credentials, only when asked for; and ConfigMaps that keep environment variables above themselves.
 */
class ReplayJobTest {

    @Test
    void ingestsDeadLettersReplayFromItsOwnImage() throws Exception {
        List<JsonNode> objects = render(c -> c.withValuesFile(PRODUCTION).set("replay.enabled", "true")
                .set("replay.consumer", "ingest"));
        JsonNode container = ofKind(objects, "Job").get(0).path("spec").path("template").path("spec")
                .path("containers").get(0);
        assertTrue(container.path("image").asText().startsWith("registry.example.com/customer-flow/ingest-service:"),
                container.path("image").asText());
        assertEquals(List.of("java", "-cp", "/deployments/lib/main/*", "io.customerflow.replay.DeadLetterReplay",
                "ingest", "--config", "/config/application.properties"), strings(container.path("command")));
    }

    @Test
    void noJobUnlessAskedFor() throws Exception {
        assertEquals(List.of(), ofKind(Charts.production(), "Job"));
    }

    @Test
    void theJobReplaysWithTheConsumersImageConfigMapAndKafkaCredentials() throws Exception {
        List<JsonNode> objects = render(c -> c.withValuesFile(PRODUCTION).set("replay.enabled", "true")
                .set("replay.consumer", "tagging"));
        List<JsonNode> jobs = ofKind(objects, "Job");
        assertEquals(1, jobs.size());
        JsonNode job = jobs.get(0);
        assertTrue(name(job).endsWith("-replay-tagging-1"), name(job) + ": one Job per release revision");
        JsonNode pod = job.path("spec").path("template").path("spec");
        assertEquals("Never", pod.path("restartPolicy").asText());
        JsonNode container = pod.path("containers").get(0);
        assertTrue(container.path("image").asText().startsWith("registry.example.com/customer-flow/tagging-service:"),
                container.path("image").asText());
        assertEquals(List.of("java", "-cp", "/deployments/lib/main/*", "io.customerflow.replay.DeadLetterReplay",
                "tagging", "--config", "/config/application.properties"), strings(container.path("command")));
        JsonNode jaas = container.path("env").get(0);
        assertEquals("KAFKA_SASL_JAAS_CONFIG", jaas.path("name").asText());
        assertEquals("customer-flow-kafka-user", jaas.path("valueFrom").path("secretKeyRef").path("name").asText());
        JsonNode ledger = container.path("env").get(1);
        assertEquals("PRIVACY_LEDGER_KEY", ledger.path("name").asText(), "old dead letters go back with hashed keys");
        assertEquals("customer-flow-redaction-ledger", ledger.path("valueFrom").path("secretKeyRef").path("name").asText());
        String configMap = pod.path("volumes").get(0).path("configMap").path("name").asText();
        assertEquals(name(named(objects, "Deployment", "tagging")), configMap);
        String properties = named(objects, "ConfigMap", configMap).path("data").path("application.properties").asText();
        assertTrue(properties.contains("kafka.security.protocol=SASL_SSL"), properties);
        assertTrue(properties.contains("kafka.ssl.truststore.location=/etc/kafka-ca/ca.crt"), properties);
        assertEquals("prod-kafka-cluster-ca-cert", pod.path("volumes").get(1).path("secret").path("secretName").asText());
        assertEquals(true, container.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
    }

    @Test
    void anUnknownConsumerFailsToRender() {
        Exception e = assertThrows(Exception.class, () -> render(c -> c.set("replay.enabled", "true")
                .set("replay.consumer", "bench")));
        assertTrue(String.valueOf(e.getMessage()).contains("consumer"), e.toString());
    }

    @Test
    void everyConfigMapSitsBelowTheEnvironment() throws Exception {
        for (JsonNode map : ofKind(Charts.production(), "ConfigMap")) {
            String properties = map.path("data").path("application.properties").asText(null);
            if (properties != null) {
                assertTrue(properties.lines().anyMatch("config_ordinal=260"::equals), name(map) + ":\n" + properties);
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
