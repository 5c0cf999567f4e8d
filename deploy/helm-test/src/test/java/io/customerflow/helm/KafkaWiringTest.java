package io.customerflow.helm;

import static io.customerflow.helm.Charts.PRODUCTION;
import static io.customerflow.helm.Charts.name;
import static io.customerflow.helm.Charts.named;
import static io.customerflow.helm.Charts.ofKind;
import static io.customerflow.helm.Charts.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** KEDA and the Strimzi topics reach the operator's Kafka the way the services do. */
class KafkaWiringTest {

    @Test
    void kedaAuthenticatesToKafkaOverSaslSslWithTheServicesCredentials() throws Exception {
        List<JsonNode> objects = Charts.production();
        List<JsonNode> auths = ofKind(objects, "TriggerAuthentication");
        assertEquals(1, auths.size());
        JsonNode auth = auths.get(0);
        List<JsonNode> scaledObjects = ofKind(objects, "ScaledObject");
        assertEquals(2, scaledObjects.size());
        java.util.Map<String, List<String>> groups = new java.util.TreeMap<>();
        for (JsonNode so : scaledObjects) {
            for (JsonNode trigger : so.path("spec").path("triggers")) {
                assertEquals("scram_sha512", trigger.path("metadata").path("sasl").asText(), name(so));
                assertEquals("enable", trigger.path("metadata").path("tls").asText(), name(so));
                assertEquals(name(auth), trigger.path("authenticationRef").path("name").asText(), name(so));
                groups.computeIfAbsent(name(so), n -> new java.util.ArrayList<>()).add(
                        trigger.path("metadata").path("consumerGroup").asText() + "@"
                                + trigger.path("metadata").path("topic").asText());
            }
        }
        assertEquals(List.of("tagging@orders.v1", "tagging-bookings@customer-events.v1"), groups.entrySet().stream()
                .filter(e -> e.getKey().endsWith("-tagging")).findFirst().orElseThrow().getValue(),
                "tagging scales on both of its groups' lag: " + groups);
        JsonNode secretRefs = auth.path("spec").path("secretTargetRef");
        assertEquals(secretRef("password", "customer-flow-kafka-user", "password"), secretRefs.get(0).toString());
        assertEquals(secretRef("ca", "prod-kafka-cluster-ca-cert", "ca.crt"), secretRefs.get(1).toString());
        JsonNode userRef = auth.path("spec").path("configMapTargetRef").get(0);
        assertEquals("username", userRef.path("parameter").asText());
        JsonNode userMap = named(objects, "ConfigMap", userRef.path("name").asText());
        assertEquals("customer-flow-kafka-user", userMap.path("data").path(userRef.path("key").asText()).asText());
    }

    private static String secretRef(String parameter, String secret, String key) {
        return "{\"parameter\":\"" + parameter + "\",\"name\":\"" + secret + "\",\"key\":\"" + key + "\"}";
    }

    @Test
    void kedaOverPlaintextNeedsNoAuthentication() throws Exception {
        List<JsonNode> objects = render(c -> c.set("services.tagging.keda.enabled", "true"));
        JsonNode trigger = ofKind(objects, "ScaledObject").get(0).path("spec").path("triggers").get(0);
        assertFalse(trigger.has("authenticationRef"), trigger.toString());
        assertFalse(trigger.path("metadata").has("sasl"), trigger.toString());
        assertFalse(trigger.path("metadata").has("tls"), trigger.toString());
        assertEquals(List.of(), ofKind(objects, "TriggerAuthentication"));
    }

    @Test
    void kedaOverSaslWithoutAUserNameFailsToRender() {
        Exception e = assertThrows(Exception.class,
                () -> render(c -> c.withValuesFile(PRODUCTION).set("kafka.sasl.username", "")));
        assertTrue(e.getMessage().contains("kafka.sasl.username is required"), e.getMessage());
    }

    @Test
    void topicConfigNumbersAreIntegersAndTopicsLiveWhereTheTopicOperatorWatches() throws Exception {
        List<JsonNode> all = ofKind(Charts.production(), "KafkaTopic");
        assertEquals(19, all.size());
        java.util.Set<String> state = java.util.Set.of("ingest.reconcile-state.v1", "ingest.orders-seen.v1",
                "klaviyo.pacing.v1", "redactions.v1", "shops.v1", "shops.flow-triggers.v1", "shops.health.v1");
        List<JsonNode> compacted = all.stream().filter(t -> state.contains(t.path("spec").path("topicName").asText()))
                .toList();
        assertEquals(7, compacted.size());
        for (JsonNode topic : compacted) {
            assertEquals("compact", topic.path("spec").path("config").path("cleanup.policy").asText(), name(topic));
            assertEquals("kafka", topic.path("metadata").path("namespace").asText());
        }
        assertEquals(1, compacted.stream().filter(t -> t.path("spec").path("topicName").asText()
                .equals("ingest.reconcile-state.v1")).findFirst().orElseThrow().path("spec").path("partitions").asInt(),
                "one partition: its owner runs the passes");
        assertEquals(1, compacted.stream().filter(t -> t.path("spec").path("topicName").asText()
                .equals("klaviyo.pacing.v1")).findFirst().orElseThrow().path("spec").path("partitions").asInt());
        JsonNode requests = all.stream().filter(t -> t.path("spec").path("topicName").asText()
                .equals("shops.refresh-requests.v1")).findFirst().orElseThrow();
        assertEquals(3_600_000L, requests.path("spec").path("config").path("retention.ms").asLong(), "an hour");
        assertEquals(6, requests.path("spec").path("partitions").asInt());
        assertEquals("kafka", requests.path("metadata").path("namespace").asText());
        JsonNode sent = all.stream().filter(t -> t.path("spec").path("topicName").asText()
                .equals("tagging.flow-triggers-sent.v1")).findFirst().orElseThrow();
        assertEquals("compact,delete", sent.path("spec").path("config").path("cleanup.policy").asText());
        assertEquals(604_800_000L, sent.path("spec").path("config").path("retention.ms").asLong(), "a week");
        JsonNode commands = all.stream().filter(t -> t.path("spec").path("topicName").asText()
                .equals("shops.commands.v1")).findFirst().orElseThrow();
        assertEquals(7_776_000_000L, commands.path("spec").path("config").path("retention.ms").asLong(),
                "90 days: the console's audit list");
        List<JsonNode> steps = all.stream().filter(t -> t.path("spec").path("topicName").asText()
                .endsWith(".booking-steps.v1")).toList();
        assertEquals(2, steps.size(), "tagging's and klaviyo's own");
        for (JsonNode topic : steps) {
            assertEquals("compact,delete", topic.path("spec").path("config").path("cleanup.policy").asText());
            assertEquals(7_776_000_000L, topic.path("spec").path("config").path("retention.ms").asLong(),
                    "90 days, as booking-steps.keep");
        }
        List<JsonNode> topics = all.stream().filter(t -> !compacted.contains(t) && t != requests && t != sent
                && t != commands && !steps.contains(t)).toList();
        for (JsonNode topic : topics) {
            JsonNode config = topic.path("spec").path("config");
            assertTrue(config.path("retention.ms").isIntegralNumber(), name(topic) + ": " + config);
            assertEquals(604_800_000L, config.path("retention.ms").asLong());
            assertTrue(config.path("min.insync.replicas").isIntegralNumber(), config.toString());
            assertEquals(12, topic.path("spec").path("partitions").asInt());
            assertEquals("kafka", topic.path("metadata").path("namespace").asText());
        }
        List<JsonNode> monthLong = ofKind(render(c -> c.set("kafka.topics.create", "true")
                .set("kafka.topics.retentionMs", "2592000000")), "KafkaTopic");
        JsonNode retention = monthLong.get(0).path("spec").path("config").path("retention.ms");
        assertTrue(retention.isIntegralNumber(), retention.toString());
        assertEquals(2_592_000_000L, retention.asLong());
        assertEquals("shop-data", monthLong.get(0).path("metadata").path("namespace").asText(),
                "defaults to the release namespace");
    }
}
