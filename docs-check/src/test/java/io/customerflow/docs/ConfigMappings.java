package io.customerflow.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The properties the {@code @ConfigMapping} interfaces of the sources declare, with their {@code @WithDefault}s, read
 * from the Java sources as SmallRye Config names them: a method {@code refreshAhead()} is {@code refresh-ahead}, a
 * nested interface adds its method's name as a segment, a {@code Map<String, T>} adds {@code *} (any name), a
 * {@code List<T>} of groups adds {@code [*]}, and an interface inherits its super-interfaces' methods. Read from
 * source, not by reflection, so this module needs no service on its classpath.
 */
final class ConfigMappings {

    /** One method of a mapping interface. */
    record Member(String name, String type, Optional<String> defaultValue) {
    }

    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)(?:\\s+extends\\s+([\\w\\s,.]+))?\\s*\\{");
    private static final Pattern METHOD = Pattern.compile("^\\s*([\\w.<>, ?\\[\\]]+?)\\s+(\\w+)\\(\\)\\s*;");
    private static final Pattern DEFAULT = Pattern.compile("@WithDefault\\(\"((?:[^\"\\\\]|\\\\.)*)\"\\)");
    private static final Pattern NAME = Pattern.compile("@WithName\\(\"([^\"]*)\"\\)");
    private static final Pattern PREFIX = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"\\)\\s*(?:@\\w+\\s*)*public\\s+interface\\s+(\\w+)");

    private final Map<String, List<Member>> members = new HashMap<>();
    private final Map<String, List<String>> supers = new HashMap<>();
    private final Map<String, String> roots = new TreeMap<>();

    /** Every mapping under the repository's {@code src/main/java} trees. */
    static ConfigMappings of(Path repository) {
        ConfigMappings mappings = new ConfigMappings();
        try (Stream<Path> files = Files.walk(repository)) {
            files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/java/")
                    && !f.toString().contains("/target/")).forEach(mappings::read);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return mappings;
    }

    private void read(Path file) {
        String source;
        try {
            source = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!source.contains("io.smallrye.config.")) {
            return;
        }
        source = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        Matcher prefix = PREFIX.matcher(source);
        while (prefix.find()) {
            roots.put(prefix.group(1), prefix.group(2));
        }
        // Interfaces in order of their opening brace; each member belongs to the innermost open one.
        List<String> open = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        int depth = 0;
        String pendingDefault = null;
        String pendingName = null;
        for (String line : source.split("\n")) {
            Matcher declaration = INTERFACE.matcher(line);
            if (declaration.find()) {
                open.add(declaration.group(1));
                depths.add(depth);
                members.putIfAbsent(declaration.group(1), new ArrayList<>());
                if (declaration.group(2) != null) {
                    for (String parent : declaration.group(2).split(",")) {
                        String simple = parent.strip();
                        supers.computeIfAbsent(declaration.group(1), k -> new ArrayList<>())
                                .add(simple.substring(simple.lastIndexOf('.') + 1));
                    }
                }
            } else if (!open.isEmpty()) {
                Matcher withDefault = DEFAULT.matcher(line);
                if (withDefault.find()) {
                    pendingDefault = withDefault.group(1).replace("\\\\", "\\").replace("\\\"", "\"");
                }
                Matcher withName = NAME.matcher(line);
                if (withName.find()) {
                    pendingName = withName.group(1);
                }
                Matcher method = METHOD.matcher(line.replaceAll("@\\w+(\\([^)]*\\))?", ""));
                if (method.find() && depth == depths.get(depths.size() - 1) + 1) {
                    String name = pendingName != null ? pendingName : kebab(method.group(2));
                    members.get(open.get(open.size() - 1)).add(new Member(name, method.group(1).replace(" ", ""),
                            Optional.ofNullable(pendingDefault)));
                    pendingDefault = null;
                    pendingName = null;
                }
            }
            for (char c : line.toCharArray()) {
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                    if (!depths.isEmpty() && depth == depths.get(depths.size() - 1)) {
                        open.remove(open.size() - 1);
                        depths.remove(depths.size() - 1);
                    }
                }
            }
        }
    }

    /** Every property name (with {@code *} and {@code [*]} for any key or index) and its default, if any. */
    Map<String, Optional<String>> properties() {
        Map<String, Optional<String>> all = new TreeMap<>();
        roots.forEach((prefix, root) -> collect(prefix, root, all, 0));
        return all;
    }

    private void collect(String path, String type, Map<String, Optional<String>> into, int nesting) {
        if (nesting > 8) {
            throw new IllegalStateException("mapping nested too deep at " + path);
        }
        List<Member> all = new ArrayList<>(members.getOrDefault(type, List.of()));
        // A method the interface declares again (to give another default) overrides its super-interface's.
        for (String parent : supers.getOrDefault(type, List.of())) {
            for (Member inherited : members.getOrDefault(parent, List.of())) {
                if (all.stream().noneMatch(m -> m.name().equals(inherited.name()))) {
                    all.add(inherited);
                }
            }
        }
        for (Member m : all) {
            String t = m.type();
            String name = path + "." + m.name();
            String inner = t;
            String suffix = "";
            while (true) {
                if (inner.startsWith("Optional<")) {
                    inner = inner.substring(9, inner.length() - 1);
                } else if (inner.startsWith("Map<String,")) {
                    inner = inner.substring(11, inner.length() - 1);
                    suffix += ".*";
                } else if (inner.startsWith("List<") && members.containsKey(inner.substring(5, inner.length() - 1))) {
                    inner = inner.substring(5, inner.length() - 1);
                    suffix += "[*]";
                } else {
                    break;
                }
            }
            String simple = inner.substring(inner.lastIndexOf('.') + 1);
            if (members.containsKey(simple)) {
                collect(name + suffix, simple, into, nesting + 1);
            } else {
                into.put(name + suffix, m.defaultValue());
            }
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
