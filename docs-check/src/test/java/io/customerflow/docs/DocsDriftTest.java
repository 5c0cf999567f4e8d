package io.customerflow.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * What the READMEs and docs name exists: every file path, every class, every {@code ./customer-flow} subcommand, and
 * every property of the README's configuration table, whose documented default must be the code's. A rename or a
 * changed default that the docs did not follow fails the build, naming the page and the word.
 */
class DocsDriftTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Names in backticks that are not this project's classes: Kubernetes kinds and a JDK class. */
    static final Set<String> NOT_OURS = Set.of("KafkaTopic", "KafkaUser", "TriggerAuthentication", "ConcurrentHashMap");
    static final Pattern CODE = Pattern.compile("`([^`\n]+)`");
    static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)");

    @Test
    void everyFileAPageNamesExists() {
        List<String> repoFiles = repoFiles();
        List<String> missing = new ArrayList<>();
        for (Path page : pages()) {
            for (String token : tokens(page, CODE, LINK)) {
                String path = token.startsWith("./") ? token.substring(2) : token;
                path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
                if (!namesAFile(path)) {
                    continue;
                }
                String wanted = path.startsWith("..") ? ROOT.relativize(page.getParent().resolve(path).normalize())
                        .toString() : path;
                if (repoFiles.stream().noneMatch(f -> f.equals(wanted) || f.endsWith("/" + wanted))) {
                    missing.add(ROOT.relativize(page) + ": " + token);
                }
            }
        }
        assertEquals(List.of(), missing, "paths named in the docs that are not in the repository");
    }

    @Test
    void everyClassAPageNamesExists() {
        Set<String> classes = repoFiles().stream().filter(f -> f.endsWith(".java"))
                .map(f -> f.substring(f.lastIndexOf('/') + 1, f.length() - 5)).collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        for (Path page : pages()) {
            for (String token : tokens(page, CODE)) {
                if (token.matches("[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+") && !classes.contains(token)
                        && !NOT_OURS.contains(token)) {
                    missing.add(ROOT.relativize(page) + ": " + token);
                }
            }
        }
        assertEquals(List.of(), missing, "classes named in the docs that are not in the sources");
    }

    @Test
    void everySubcommandAPageNamesIsOneTheScriptRuns() throws IOException {
        Set<String> commands = new TreeSet<>();
        Matcher label = Pattern.compile("(?m)^  ([a-z-]+)\\)").matcher(Files.readString(ROOT.resolve("customer-flow")));
        while (label.find()) {
            commands.add(label.group(1));
        }
        assertTrue(commands.containsAll(Set.of("up", "down", "demo", "bench")), "the script's commands: " + commands);
        List<String> unknown = new ArrayList<>();
        Pattern named = Pattern.compile("\\./customer-flow ([a-z][a-z-]*)");
        for (Path page : pages()) {
            Matcher m = named.matcher(read(page));
            while (m.find()) {
                if (!commands.contains(m.group(1))) {
                    unknown.add(ROOT.relativize(page) + ": ./customer-flow " + m.group(1));
                }
            }
        }
        assertEquals(List.of(), unknown, "subcommands the script does not have (it has " + commands + ")");
    }

    @Test
    void everyConfiguredPropertyOfTheReadmeExistsWithItsDocumentedDefault() {
        Map<String, Optional<String>> code = ConfigMappings.of(ROOT).properties();
        assertTrue(code.containsKey("ingest.reconcile.interval"), "the mappings were read: " + code.keySet());
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (String row : read(ROOT.resolve("README.md")).lines().filter(l -> l.startsWith("| ")).toList()) {
            String[] cells = row.split(" \\| ");
            if (cells.length != 4 || !cells[2].contains("`")) {
                continue;
            }
            List<String> properties = expand(CODE.matcher(cells[2]).results().map(r -> r.group(1)).toList());
            for (String property : properties) {
                if (property.startsWith("quarkus.") || property.startsWith("kafka.")) {
                    continue; // Quarkus' and the Kafka connector's own
                }
                checked++;
                String pattern = property.replaceAll("<[^>]+>|\"<[^>]+>\"", "*").replace("[i]", "[*]");
                List<String> matches = code.keySet().stream().filter(k -> pattern.endsWith(".*")
                        ? k.startsWith(pattern.substring(0, pattern.length() - 1)) : k.equals(pattern)).toList();
                if (matches.isEmpty()) {
                    problems.add(property + ": no such property in the @ConfigMapping interfaces");
                    continue;
                }
                Optional<String> dflt = code.get(pattern);
                String documented = cells[3];
                if (dflt != null && dflt.isPresent() && !documented.contains("`" + dflt.get() + "`")) {
                    problems.add(property + ": the code's default is `" + dflt.get() + "`, the README says " + documented);
                }
            }
        }
        assertTrue(checked > 30, "the README's configuration table was read (" + checked + " properties)");
        assertEquals(List.of(), problems, "the README's configuration table against the code");
    }

    /** {@code ingest.app.client-id}, {@code .client-secret}: the second is the first's sibling. */
    static List<String> expand(List<String> names) {
        List<String> full = new ArrayList<>();
        String parent = "";
        for (String name : names) {
            if (name.startsWith(".") && !parent.isEmpty()) {
                full.add(parent + name);
            } else if (name.contains(".") && !name.contains(" ")) {
                full.add(name);
                parent = name.substring(0, name.lastIndexOf('.'));
            }
        }
        return full;
    }

    /** A repository path worth checking: a source, doc or config file, or a path under a top-level directory. */
    static boolean namesAFile(String path) {
        if (path.startsWith("http") || path.startsWith("/") || path.startsWith("#") || path.startsWith(".customer-flow/")
                || path.matches(".*[ <*{…].*") || path.contains("...") || path.startsWith("target/")
                || path.contains("/target/") || path.endsWith(".classpath")) {
            return false;
        }
        if (!path.contains("/")) {
            return path.matches("[\\w.-]+\\.(java|md)");
        }
        String first = path.substring(0, path.indexOf('/'));
        return first.equals("..") || first.equals("src") || Files.isDirectory(ROOT.resolve(first))
                || path.matches(".*\\.(java|md|ya?ml|properties|json|sh|svg|png|xml|tpl)");
    }

    /** Every Markdown page but the generated BENCHMARKS.md. */
    static List<Path> pages() {
        try (Stream<Path> files = Files.walk(ROOT, 3)) {
            return files.filter(p -> p.toString().endsWith(".md") && !p.getFileName().toString().equals("BENCHMARKS.md"))
                    .filter(p -> !skipped(ROOT.relativize(p).toString())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> repoFiles() {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.map(p -> ROOT.relativize(p).toString()).filter(p -> !skipped(p)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean skipped(String relative) {
        return relative.startsWith(".git") || relative.startsWith(".customer-flow") || relative.contains("/target/") || relative.startsWith("target/")
                || relative.contains("node_modules") || relative.contains("/src/test/resources/klaviyo-openapi/");
    }

    static List<String> tokens(Path page, Pattern... patterns) {
        String text = read(page);
        List<String> found = new ArrayList<>();
        for (Pattern p : patterns) {
            p.matcher(text).results().map(r -> r.group(1)).forEach(found::add);
        }
        return found;
    }

    static String read(Path page) {
        try {
            return Files.readString(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
