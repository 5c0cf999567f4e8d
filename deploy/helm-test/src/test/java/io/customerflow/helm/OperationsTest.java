package io.customerflow.helm;

import static io.customerflow.helm.Charts.CHART;
import static io.customerflow.helm.Charts.name;
import static io.customerflow.helm.Charts.named;
import static io.customerflow.helm.Charts.ofKind;
import static io.customerflow.helm.Charts.podSpec;
import static io.customerflow.helm.Charts.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What running the chart in a cluster needs: scraping, dashboards, drains, JVM sizing, the right image. */
class OperationsTest {

    @Test
    void prometheusInAnotherNamespaceMayScrapeEveryService() throws Exception {
        for (JsonNode np : ofKind(Charts.production(), "NetworkPolicy")) {
            JsonNode rules = np.path("spec").path("ingress");
            boolean monitoring = false;
            for (JsonNode rule : rules) {
                for (JsonNode peer : rule.path("from")) {
                    monitoring |= "monitoring".equals(peer.path("namespaceSelector").path("matchLabels")
                            .path("kubernetes.io/metadata.name").asText())
                            && "http".equals(rule.path("ports").get(0).path("port").asText());
                }
            }
            boolean ingest = name(np).endsWith("-ingest");
            assertTrue(ingest || monitoring, name(np) + " lets the monitoring namespace scrape: " + rules);
        }
        for (JsonNode np : ofKind(Charts.defaults(), "NetworkPolicy")) {
            assertEquals(1, np.path("spec").path("ingress").size(), "nothing beyond the namespace by default");
        }
    }

    @Test
    void serviceMonitorAndDashboardCarryTheLabelsTheirSelectorsLookFor() throws Exception {
        List<JsonNode> objects = Charts.production();
        JsonNode monitor = ofKind(objects, "ServiceMonitor").get(0);
        assertEquals("kube-prometheus-stack", monitor.path("metadata").path("labels").path("release").asText());
        JsonNode dashboard = named(objects, "ConfigMap", "-dashboard");
        assertEquals("monitoring", dashboard.path("metadata").path("namespace").asText());
        assertEquals("1", dashboard.path("metadata").path("labels").path("grafana_dashboard").asText());
    }

    @Test
    void dashboardGroupsByLabelsThatExistAndShowsDeadLettersPerConsumer() throws Exception {
        JsonNode dashboard = named(Charts.production(), "ConfigMap", "-dashboard");
        JsonNode json = new ObjectMapper().readTree(dashboard.path("data").path("customer-flow.json").asText());
        List<String> exprs = new ArrayList<>();
        json.path("panels").forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
        assertTrue(exprs.size() >= 10, exprs.toString());
        exprs.forEach(e -> assertFalse(e.contains("application"), "no such label: " + e));
        assertTrue(exprs.contains("sum by (job, topic) (kafka_consumer_fetch_manager_records_lag)"), exprs.toString());
        // One metric for every consumer: the consumer and the reason are labels.
        assertTrue(exprs.contains("sum by (consumer, reason) (rate(dead_letters_total[5m]))"), exprs.toString());
    }

    @Test
    void disruptionBudgetsLetADrainEvictOnePodByDefault() throws Exception {
        JsonNode tagging = named(render(c -> c.set("services.tagging.pdb.enabled", "true")), "PodDisruptionBudget", "-tagging");
        assertEquals(1, tagging.path("spec").path("maxUnavailable").asInt());
        assertFalse(tagging.path("spec").has("minAvailable"), tagging.toString());
        JsonNode ingest = named(Charts.production(), "PodDisruptionBudget", "-ingest");
        assertEquals(2, ingest.path("spec").path("minAvailable").asInt(), "an explicit minAvailable is kept");
        assertFalse(ingest.path("spec").has("maxUnavailable"), ingest.toString());
        JsonNode frozen = named(render(c -> c.set("services.tagging.pdb.enabled", "true")
                .set("services.tagging.pdb.maxUnavailable", "0")), "PodDisruptionBudget", "-tagging");
        assertTrue(frozen.path("spec").path("maxUnavailable").isInt(), frozen.toString());
        assertEquals(0, frozen.path("spec").path("maxUnavailable").asInt(), "an explicit 0 is kept, not defaulted to 1");
    }

    @Test
    void podsIgnoreServiceLinksAndSizeTheHeapThroughTheStartScript() throws Exception {
        for (JsonNode d : ofKind(Charts.production(), "Deployment")) {
            assertFalse(podSpec(d).path("enableServiceLinks").asBoolean(true), name(d));
            JsonNode env = podSpec(d).path("containers").get(0).path("env");
            assertEquals("75", envValue(env, "JAVA_MAX_MEM_RATIO"), name(d));
            assertEquals(null, envValue(env, "JAVA_TOOL_OPTIONS"), "run-java.sh overrides heap flags given there");
            assertEquals(null, envValue(env, "JAVA_OPTS_APPEND"), "the image's own value stays");
        }
        JsonNode store = named(render(c -> c.set("services.customerStore.jvm.extraOptions", "-XX:+UseG1GC")
                .set("services.customerStore.jvm.maxRamPercentage", "60")), "Deployment", "-customer-store");
        JsonNode env = podSpec(store).path("containers").get(0).path("env");
        assertEquals("60", envValue(env, "JAVA_MAX_MEM_RATIO"));
        assertEquals("-Djava.util.logging.manager=org.jboss.logmanager.LogManager -XX:+UseG1GC",
                envValue(env, "JAVA_OPTS_APPEND"));
    }

    private static String envValue(JsonNode env, String name) {
        for (JsonNode e : env) {
            if (name.equals(e.path("name").asText())) {
                return e.path("value").asText();
            }
        }
        return null;
    }

    @Test
    void imagesAreTaggedWithTheVersionMavenBuildsThem() throws Exception {
        String version = System.getProperty("project.version");
        assertNotNull(version, "surefire passes project.version");
        JsonNode chart = Charts.YAML.readTree(CHART.resolve("Chart.yaml").toFile());
        assertEquals(version, chart.path("appVersion").asText(), "Chart.yaml appVersion = the Maven project version");
        for (List<JsonNode> objects : List.of(Charts.defaults(), Charts.production())) {
            for (JsonNode d : ofKind(objects, "Deployment")) {
                String image = podSpec(d).path("containers").get(0).path("image").asText();
                assertTrue(image.endsWith("-service:" + version), name(d) + ": " + image);
            }
        }
    }
}
