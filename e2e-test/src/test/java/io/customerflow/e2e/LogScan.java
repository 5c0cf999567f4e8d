package io.customerflow.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.customerflow.infra.LocalDemo;

/** Reads every service log of a run: no email, name, token, key or secret may appear in any line. */
final class LogScan {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");

    private LogScan() {
    }

    /** @param names personal names (and other strings) of the run's traffic, besides the demo's secrets */
    static void assertNoPersonalDataOrSecrets(Path logs, List<String> names) throws IOException {
        List<String> forbidden = new ArrayList<>(names);
        forbidden.addAll(List.of(LocalDemo.WEBHOOK_SECRET, LocalDemo.API_KEY, LocalDemo.STORE_TOKEN,
                LocalDemo.SHOPIFY_TOKEN, LocalDemo.KLAVIYO_KEY));
        int lines = 0;
        try (var files = Files.list(logs)) {
            for (Path log : files.toList()) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    lines++;
                    assertTrue(!EMAIL.matcher(line).find(), log.getFileName() + " logs an email: " + line);
                    for (String f : forbidden) {
                        assertTrue(!line.contains(f), log.getFileName() + " logs '" + f + "': " + line);
                    }
                }
            }
        }
        assertTrue(lines > 20, "the services logged " + lines + " lines");
    }
}
