package io.customerflow.helm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

/** Renders the chart with embedded Helm and hands the objects to the tests as JSON trees. */
final class Charts {

    static final Path CHART = Path.of("../helm/customer-flow").toAbsolutePath().normalize();
    static final Path PRODUCTION = CHART.resolve("ci/production-values.yaml");
    static final YAMLMapper YAML = new YAMLMapper();

    private Charts() {
    }

    static List<JsonNode> render(Consumer<TemplateCommand> options) throws Exception {
        TemplateCommand command = new Helm(CHART).template().withName("cf").withNamespace("shop-data")
                .withKubeVersion("1.30.0");
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

    static List<JsonNode> production() throws Exception {
        return render(c -> c.withValuesFile(PRODUCTION));
    }

    static List<JsonNode> defaults() throws Exception {
        return render(c -> { });
    }

    static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    static JsonNode named(List<JsonNode> objects, String kind, String nameSuffix) {
        return ofKind(objects, kind).stream().filter(o -> name(o).endsWith(nameSuffix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named *" + nameSuffix));
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    static JsonNode podSpec(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec");
    }

    /**
     * A copy of the chart whose values.yaml is the defaults with the given file merged over them the way Helm merges
     * {@code -f} (maps deep, everything else replaced): helm-java's lint takes no values file.
     */
    static Path chartWithValues(Path valuesFile) throws IOException {
        Path copy = Files.createTempDirectory("customer-flow-chart");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path source : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = copy.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        ObjectNode values = (ObjectNode) YAML.readTree(CHART.resolve("values.yaml").toFile());
        merge(values, (ObjectNode) YAML.readTree(valuesFile.toFile()));
        YAML.writeValue(copy.resolve("values.yaml").toFile(), values);
        return copy;
    }

    private static void merge(ObjectNode base, ObjectNode override) {
        override.fields().forEachRemaining(e -> {
            JsonNode current = base.get(e.getKey());
            if (current instanceof ObjectNode currentObject && e.getValue() instanceof ObjectNode overrideObject) {
                merge(currentObject, overrideObject);
            } else {
                base.set(e.getKey(), e.getValue());
            }
        });
    }
}
