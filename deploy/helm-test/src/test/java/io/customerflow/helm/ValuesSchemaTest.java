package io.customerflow.helm;

import static io.customerflow.helm.Charts.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.marcnuri.helm.TemplateCommand;

/** Values that would install something broken fail at install time, with a message saying why. */
class ValuesSchemaTest {

    private static String failure(Consumer<TemplateCommand> values) {
        return assertThrows(Exception.class, () -> render(values)).getMessage();
    }

    private static void assertSchemaRejects(String key, String value) {
        String message = failure(c -> c.set(key, value));
        assertTrue(message.contains("schema") || message.contains("values don't meet"), key + ": " + message);
    }

    @Test
    void aMistypedKeyIsRejected() {
        assertSchemaRejects("services.ingest.replicaCont", "3");
        assertSchemaRejects("ingres.enabled", "true");
        assertSchemaRejects("kafka.topics.retention", "1000");
        assertSchemaRejects("metrics.serviceMonitor.enable", "true");
        assertSchemaRejects("networkPolicy.metricFrom[0].namespaceSelector.matchLabels.team", "monitoring");
        assertSchemaRejects("services.ingest.keda.enabled", "true");
    }

    @Test
    void anEnabledIngressNeedsAHost() throws Exception {
        render(c -> c.set("ingress.host", ""));
        String message = failure(c -> c.set("ingress.enabled", "true").set("ingress.host", ""));
        assertTrue(message.contains("host"), message);
        assertEquals(1, Charts.ofKind(render(c -> c.set("ingress.enabled", "true")), "Ingress").size());
    }

    @Test
    void saslNeedsTheSecretWithTheJaasConfig() throws Exception {
        String message = failure(c -> c.set("kafka.securityProtocol", "SASL_SSL"));
        assertTrue(message.contains("jaasConfigSecret"), message);
        render(c -> c.set("kafka.securityProtocol", "SASL_SSL").set("kafka.sasl.jaasConfigSecret", "kafka-user"));
    }

    @Test
    void aDisruptionBudgetTakesMinAvailableOrMaxUnavailableNotBoth() throws Exception {
        render(c -> c.set("services.tagging.pdb.minAvailable", "1"));
        String message = failure(c -> c.set("services.tagging.pdb.minAvailable", "1")
                .set("services.tagging.pdb.maxUnavailable", "1"));
        assertTrue(message.contains("schema") || message.contains("values don't meet"), message);
    }

    @Test
    void anHpaAndKedaOnOneServiceFailToRender() {
        String message = failure(c -> c.set("services.tagging.autoscaling.enabled", "true")
                .set("services.tagging.keda.enabled", "true"));
        assertTrue(message.contains("services.tagging: autoscaling.enabled and keda.enabled are both true"), message);
    }
}
