package io.customerflow.infra;

import java.util.List;

/**
 * Prints where a started service sends what, from the {@code connections:} line the service itself logs at start
 * (so what is printed is what the service runs with, whatever file or variable set it). The stand-in's address is
 * shown as "stand-in (demo)". Services log names, domains and URLs only: never a token or key.
 */
final class Connections {

    private static final String MARK = "connections: ";

    private Connections() {
    }

    static void print(ServiceProcess service, String standIn) {
        for (String line : lines(service, standIn)) {
            System.out.println("[customer-flow]   " + line);
        }
    }

    static List<String> lines(ServiceProcess service, String standIn) {
        return service.newLogLines().stream().filter(l -> l.contains(MARK))
                .map(l -> l.substring(l.indexOf(MARK) + MARK.length()).strip())
                .map(l -> l.replace(standIn + "/shopify/{shop}/admin/api/{version}/graphql.json", "stand-in (demo)")
                        .replace(standIn + "/klaviyo", "stand-in (demo)"))
                .flatMap(l -> java.util.Arrays.stream(l.split("; ")))
                .toList();
    }
}
