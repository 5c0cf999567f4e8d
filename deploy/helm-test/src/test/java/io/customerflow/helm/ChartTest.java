package io.customerflow.helm;

import static io.customerflow.helm.Charts.CHART;
import static io.customerflow.helm.Charts.PRODUCTION;
import static io.customerflow.helm.Charts.name;
import static io.customerflow.helm.Charts.ofKind;
import static io.customerflow.helm.Charts.podSpec;
import static io.customerflow.helm.Charts.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;

/** The chart lints strictly, renders with default and production-like values, and what it renders is safe. */
class ChartTest {

    @Test
    void lintsStrictly() {
        var result = new Helm(CHART).lint().strict().call();
        assertFalse(result.isFailed(), String.valueOf(result.getMessages()));
    }

    @Test
    void lintsStrictlyWithProductionValues() throws Exception {
        var result = new Helm(Charts.chartWithValues(PRODUCTION)).lint().strict().call();
        assertFalse(result.isFailed(), String.valueOf(result.getMessages()));
    }

    @Test
    void rendersWithProductionValuesAgainstTheSchema() throws Exception {
        List<JsonNode> objects = Charts.production();
        assertTrue(objects.size() > 20, "objects rendered: " + objects.size());
    }

    @Test
    void everyContainerHasProbesResourcesAndANonRootReadOnlySecurityContext() throws Exception {
        for (List<JsonNode> objects : List.of(Charts.defaults(), Charts.production())) {
            List<JsonNode> deployments = ofKind(objects, "Deployment");
            assertEquals(4, deployments.size());
            for (JsonNode d : deployments) {
                String name = name(d);
                JsonNode pod = podSpec(d);
                assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), name);
                for (JsonNode c : pod.path("containers")) {
                    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                        assertTrue(c.path(probe).path("httpGet").path("path").asText().startsWith("/q/health/"),
                                name + " " + probe);
                    }
                    assertTrue(c.path("resources").path("requests").has("cpu"), name);
                    assertTrue(c.path("resources").path("limits").has("memory"), name);
                    JsonNode sc = c.path("securityContext");
                    assertTrue(sc.path("runAsNonRoot").asBoolean(), name);
                    assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), name);
                    assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), name);
                }
            }
        }
    }

    @Test
    void noSecretValueIsRendered() throws Exception {
        List<JsonNode> production = Charts.production();
        assertTrue(production.toString().contains("salon-booking-shopify-app"), "the production values give the app");
        for (List<JsonNode> objects : List.of(Charts.defaults(), production)) {
            assertEquals(List.of(), ofKind(objects, "Secret"), "the chart only references existing Secrets");
            int checked = 0;
            for (JsonNode d : ofKind(objects, "Deployment")) {
                List<JsonNode> containers = new ArrayList<>();
                podSpec(d).path("containers").forEach(containers::add);
                podSpec(d).path("initContainers").forEach(containers::add);
                for (JsonNode container : containers) {
                    for (JsonNode env : container.path("env")) {
                        String name = env.path("name").asText();
                        if (name.matches(".*(SECRET|TOKEN|PASSWORD|KEY|JAAS|CREDENTIAL).*")) {
                            assertNotNull(env.path("valueFrom").get("secretKeyRef"), name + " must come from a Secret");
                            assertFalse(env.has("value"), name + " has a literal value");
                            checked++;
                        }
                    }
                }
            }
            assertTrue(checked >= 5, "secret-bearing variables checked: " + checked);
            // One redaction ledger key for the three services that honour redactions, from one Secret.
            for (String service : List.of("-ingest", "-tagging", "-klaviyo")) {
                JsonNode d = ofKind(objects, "Deployment").stream().filter(x -> name(x).endsWith(service))
                        .findFirst().orElseThrow();
                assertTrue(podSpec(d).path("containers").toString().contains("{\"name\":\"PRIVACY_LEDGER_KEY\","
                        + "\"valueFrom\":{\"secretKeyRef\":{\"name\":\"customer-flow-redaction-ledger\","
                        + "\"key\":\"PRIVACY_LEDGER_KEY\"}}}"), service + ": " + podSpec(d).path("containers"));
            }
            // The shop registry's data keys: a mounted Secret file for the three services that read the registry only.
            for (JsonNode d : ofKind(objects, "Deployment")) {
                boolean registry = name(d).endsWith("-ingest") || name(d).endsWith("-tagging")
                        || name(d).endsWith("-klaviyo");
                assertEquals(registry, podSpec(d).path("volumes").toString()
                        .contains("\"secretName\":\"customer-flow-shop-registry\""), name(d));
                assertEquals(registry, podSpec(d).path("containers").toString()
                        .contains("file:/registry/shop-registry.properties"), name(d));
            }
            // With the app's Secret (production values), its id and secret reach ingest alone; its callback is the
            // Ingress host's. Without it (defaults), no app at all.
            boolean app = objects.toString().contains("salon-booking-shopify-app");
            for (JsonNode d : ofKind(objects, "Deployment")) {
                assertEquals(app && name(d).endsWith("-ingest"), podSpec(d).path("containers").toString()
                        .contains("\"name\":\"salon-booking-shopify-app\",\"key\":\"client-secret\""), name(d));
            }
            assertEquals(app, ofKind(objects, "ConfigMap").stream().anyMatch(cm -> cm.path("data").toString()
                    .contains("ingest.app.callback-url=https://hooks.salon-booking.example/shopify/callback")));
            // The store's token digests (and console session key) come as a mounted Secret file, like ingest's keys.
            JsonNode store = ofKind(objects, "Deployment").stream().filter(d -> name(d).endsWith("-customer-store"))
                    .findFirst().orElseThrow();
            assertTrue(podSpec(store).path("volumes").toString().contains("\"secretName\":\"customer-flow-store-clients\""),
                    podSpec(store).path("volumes").toString());
            assertTrue(podSpec(store).path("containers").toString().contains("/secrets/store-clients.properties"),
                    "QUARKUS_CONFIG_LOCATIONS names the mounted file");
            for (JsonNode cm : ofKind(objects, "ConfigMap")) {
                String data = cm.path("data").toString().toLowerCase();
                assertFalse(data.matches(".*(password|access-token|api-key|webhook-secrets|jaas)[^\"]*=.*"), cm.toString());
            }
        }
    }

    @Test
    void selectorsMatchThePodLabelsAndServicesFindTheirPods() throws Exception {
        List<JsonNode> objects = Charts.production();
        Map<String, JsonNode> podLabels = new HashMap<>();
        for (JsonNode d : ofKind(objects, "Deployment")) {
            JsonNode selector = d.path("spec").path("selector").path("matchLabels");
            JsonNode labels = d.path("spec").path("template").path("metadata").path("labels");
            selector.fields().forEachRemaining(e -> assertEquals(e.getValue(), labels.get(e.getKey()), e.getKey()));
            podLabels.put(name(d), labels);
        }
        for (JsonNode s : ofKind(objects, "Service")) {
            assertSelects(podLabels.get(name(s)), s.path("spec").path("selector"), "Service " + name(s));
        }
        List<JsonNode> budgets = ofKind(objects, "PodDisruptionBudget");
        List<JsonNode> policies = ofKind(objects, "NetworkPolicy");
        assertEquals(4, budgets.size());
        assertEquals(4, policies.size());
        for (JsonNode pdb : budgets) {
            assertSelects(podLabels.get(name(pdb)), pdb.path("spec").path("selector").path("matchLabels"), "PDB " + name(pdb));
        }
        for (JsonNode np : policies) {
            assertSelects(podLabels.get(name(np)), np.path("spec").path("podSelector").path("matchLabels"),
                    "NetworkPolicy " + name(np));
        }
        JsonNode monitorSelector = ofKind(objects, "ServiceMonitor").get(0).path("spec").path("selector").path("matchLabels");
        for (JsonNode s : ofKind(objects, "Service")) {
            assertSelects(s.path("metadata").path("labels"), monitorSelector, "ServiceMonitor -> Service " + name(s), 2);
        }
        List<JsonNode> scalers = new ArrayList<>(ofKind(objects, "HorizontalPodAutoscaler"));
        scalers.addAll(ofKind(objects, "ScaledObject"));
        for (JsonNode scaler : scalers) {
            String target = scaler.path("spec").path("scaleTargetRef").path("name").asText();
            assertTrue(podLabels.containsKey(target), scaler.path("kind").asText() + " " + name(scaler) + " targets " + target);
        }
    }

    private static void assertSelects(JsonNode podLabels, JsonNode selector, String what) {
        assertSelects(podLabels, selector, what, 3);
    }

    private static void assertSelects(JsonNode podLabels, JsonNode selector, String what, int atLeast) {
        assertNotNull(podLabels, what + ": a Deployment of the same name");
        assertTrue(selector.size() >= atLeast, what + " selects by too little: " + selector);
        selector.fields().forEachRemaining(e -> assertEquals(e.getValue(), podLabels.get(e.getKey()), what + " " + e.getKey()));
    }

    @Test
    void replicasAreLeftToTheAutoscalerWhenOneOwnsThem() throws Exception {
        List<JsonNode> objects = Charts.production();
        Set<String> scaled = new TreeSet<>();
        ofKind(objects, "HorizontalPodAutoscaler").forEach(h -> scaled.add(h.path("spec").path("scaleTargetRef").path("name").asText()));
        ofKind(objects, "ScaledObject").forEach(k -> scaled.add(k.path("spec").path("scaleTargetRef").path("name").asText()));
        assertEquals(4, scaled.size(), "ingest and klaviyo by HPA, store and tagging by KEDA: " + scaled);
        for (JsonNode d : ofKind(objects, "Deployment")) {
            assertFalse(d.path("spec").has("replicas"), name(d) + " sets replicas");
        }
        assertEquals(4, ofKind(objects, "PodDisruptionBudget").size());
        List<JsonNode> defaults = Charts.defaults();
        ofKind(defaults, "Deployment").forEach(d -> assertTrue(d.path("spec").has("replicas")));
        assertEquals(List.of(), ofKind(defaults, "HorizontalPodAutoscaler"));
    }

    @Test
    void onlyIngestIsExposed() throws Exception {
        List<JsonNode> objects = Charts.production();
        List<JsonNode> ingresses = ofKind(objects, "Ingress");
        assertEquals(1, ingresses.size());
        JsonNode paths = ingresses.get(0).path("spec").path("rules").get(0).path("http").path("paths");
        List<String> exposed = new ArrayList<>();
        paths.forEach(p -> {
            exposed.add(p.path("path").asText());
            assertTrue(p.path("backend").path("service").path("name").asText().endsWith("-ingest"));
        });
        assertEquals(List.of("/webhooks/shopify", "/v1/instant-bookings", "/v1/checkout-bookings", "/shopify/install",
                "/shopify/callback", "/flow/lifecycle"), exposed, "the registry's /v1/shops stays inside the cluster");
        for (JsonNode np : ofKind(objects, "NetworkPolicy")) {
            boolean ingest = name(np).endsWith("-ingest");
            JsonNode from = np.path("spec").path("ingress").get(0).get("from");
            assertEquals(ingest, from == null, name(np) + ": only ingest is open to all");
        }
        assertEquals(19, ofKind(objects, "KafkaTopic").size(),
                "two event topics and four dead-letter ones, klaviyo's work topic, ingest's two compacted ones, klaviyo's pacing, the "
                        + "redaction ledger, the shop registry, its refresh requests, its Flow trigger use and its shop health, "
                        + "the console's commands, the Flow triggers sent, tagging's and klaviyo's booking steps");
        assertEquals(1, ofKind(objects, "ServiceMonitor").size());
    }

    @Test
    void theValuesSchemaRejectsBadValues() {
        for (String[] bad : new String[][] { { "services.ingest.replicaCount", "-1" },
                { "kafka.securityProtocol", "SOMETIMES" }, { "postgresql.jdbcUrl", "mysql://db" },
                { "secrets.webhook", "" }, { "services.tagging.keda.lagThreshold", "lots" } }) {
            Exception e = assertThrows(Exception.class, () -> render(c -> c.set(bad[0], bad[1])), bad[0]);
            assertTrue(e.getMessage().contains("schema") || e.getMessage().contains("values don't meet"),
                    bad[0] + ": " + e.getMessage());
        }
    }
}
