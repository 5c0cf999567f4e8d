package io.customerflow.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

/** The chart lints strictly, renders with default and production-like values, and what it renders is safe. */
class ChartTest {

    static final Path CHART = Path.of("../helm/customer-flow").toAbsolutePath().normalize();
    static final Path PRODUCTION = CHART.resolve("ci/production-values.yaml");
    static final YAMLMapper YAML = new YAMLMapper();

    static List<JsonNode> render(Consumer<TemplateCommand> options) throws Exception {
        TemplateCommand command = new Helm(CHART).template().withName("cf").withKubeVersion("1.30.0");
        options.accept(command);
        String manifests = command.call();
        List<JsonNode> objects = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(manifests)) {
            for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                if (doc != null && doc.hasNonNull("kind")) {
                    objects.add(doc);
                }
            }
        }
        return objects;
    }

    static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    @Test
    void lintsStrictly() {
        var result = new Helm(CHART).lint().strict().call();
        assertFalse(result.isFailed(), String.valueOf(result.getMessages()));
    }

    @Test
    void rendersWithProductionValuesAgainstTheSchema() throws Exception {
        List<JsonNode> objects = render(c -> c.withValuesFile(PRODUCTION));
        assertTrue(objects.size() > 20, "objects rendered: " + objects.size());
    }

    @Test
    void everyContainerHasProbesResourcesAndANonRootReadOnlySecurityContext() throws Exception {
        for (List<JsonNode> objects : List.of(render(c -> { }), render(c -> c.withValuesFile(PRODUCTION)))) {
            List<JsonNode> deployments = ofKind(objects, "Deployment");
            assertEquals(4, deployments.size());
            for (JsonNode d : deployments) {
                String name = d.path("metadata").path("name").asText();
                JsonNode pod = d.path("spec").path("template").path("spec");
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
        List<JsonNode> objects = render(c -> c.withValuesFile(PRODUCTION));
        assertEquals(List.of(), ofKind(objects, "Secret"), "the chart only references existing Secrets");
        for (JsonNode d : ofKind(objects, "Deployment")) {
            for (JsonNode env : d.path("spec").path("template").path("spec").path("containers").get(0).path("env")) {
                String name = env.path("name").asText();
                if (name.matches(".*(SECRET|TOKEN|PASSWORD|KEY|JAAS).*")) {
                    assertNotNull(env.path("valueFrom").get("secretKeyRef"), name + " must come from a Secret");
                    assertFalse(env.has("value"), name + " has a literal value");
                }
            }
        }
        for (JsonNode cm : ofKind(objects, "ConfigMap")) {
            String data = cm.path("data").toString().toLowerCase();
            assertFalse(data.matches(".*(password|access-token|api-key|webhook-secrets)=.*"), cm.toString());
        }
    }

    @Test
    void selectorsMatchThePodLabelsAndServicesFindTheirPods() throws Exception {
        List<JsonNode> objects = render(c -> c.withValuesFile(PRODUCTION));
        Map<String, JsonNode> podLabels = new java.util.HashMap<>();
        for (JsonNode d : ofKind(objects, "Deployment")) {
            JsonNode selector = d.path("spec").path("selector").path("matchLabels");
            JsonNode labels = d.path("spec").path("template").path("metadata").path("labels");
            selector.fields().forEachRemaining(e -> assertEquals(e.getValue(), labels.get(e.getKey()), e.getKey()));
            podLabels.put(d.path("metadata").path("name").asText(), labels);
        }
        for (JsonNode s : ofKind(objects, "Service")) {
            JsonNode labels = podLabels.get(s.path("metadata").path("name").asText());
            assertNotNull(labels, "a Deployment named like the Service " + s.path("metadata").path("name"));
            s.path("spec").path("selector").fields()
                    .forEachRemaining(e -> assertEquals(e.getValue(), labels.get(e.getKey()), e.getKey()));
        }
    }

    @Test
    void replicasAreLeftToTheAutoscalerWhenOneOwnsThem() throws Exception {
        List<JsonNode> objects = render(c -> c.withValuesFile(PRODUCTION));
        Set<String> scaled = new TreeSet<>();
        ofKind(objects, "HorizontalPodAutoscaler").forEach(h -> scaled.add(h.path("spec").path("scaleTargetRef").path("name").asText()));
        ofKind(objects, "ScaledObject").forEach(k -> scaled.add(k.path("spec").path("scaleTargetRef").path("name").asText()));
        assertEquals(4, scaled.size(), "ingest and klaviyo by HPA, store and tagging by KEDA: " + scaled);
        for (JsonNode d : ofKind(objects, "Deployment")) {
            assertFalse(d.path("spec").has("replicas"), d.path("metadata").path("name") + " sets replicas");
        }
        assertEquals(4, ofKind(objects, "PodDisruptionBudget").size());
        List<JsonNode> defaults = render(c -> { });
        ofKind(defaults, "Deployment").forEach(d -> assertTrue(d.path("spec").has("replicas")));
        assertEquals(List.of(), ofKind(defaults, "HorizontalPodAutoscaler"));
    }

    @Test
    void onlyIngestIsExposed() throws Exception {
        List<JsonNode> objects = render(c -> c.withValuesFile(PRODUCTION));
        List<JsonNode> ingresses = ofKind(objects, "Ingress");
        assertEquals(1, ingresses.size());
        JsonNode paths = ingresses.get(0).path("spec").path("rules").get(0).path("http").path("paths");
        List<String> exposed = new ArrayList<>();
        paths.forEach(p -> {
            exposed.add(p.path("path").asText());
            assertTrue(p.path("backend").path("service").path("name").asText().endsWith("-ingest"));
        });
        assertEquals(List.of("/webhooks/shopify", "/v1/instant-bookings"), exposed);
        for (JsonNode np : ofKind(objects, "NetworkPolicy")) {
            boolean ingest = np.path("metadata").path("name").asText().endsWith("-ingest");
            JsonNode from = np.path("spec").path("ingress").get(0).get("from");
            assertEquals(ingest, from == null, np.path("metadata").path("name") + ": only ingest is open to all");
        }
        assertEquals(5, ofKind(objects, "KafkaTopic").size());
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
