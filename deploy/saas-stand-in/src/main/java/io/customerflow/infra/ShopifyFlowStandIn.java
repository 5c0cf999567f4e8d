package io.customerflow.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Shopify Flow as an app's trigger extensions see it: {@code flowTriggerReceive(handle, payload)} answered the way
 * Shopify does (an unknown handle, a payload over 50,000 bytes, a key the extension doesn't declare or a value of the
 * wrong type are {@code userErrors} on {@code body}, and nothing starts), each accepted trigger recorded per shop; and
 * the lifecycle callbacks Flow sends the app when a merchant enables or disables a workflow (signed like webhooks).
 * The declared fields are read from the repository's {@code extensions/*}{@code /shopify.extension.toml}.
 */
public final class ShopifyFlowStandIn {

    /** Shopify's limit on a trigger's payload. */
    public static final int MAX_PAYLOAD_BYTES = 50_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Pattern ENTRY = Pattern.compile("^\\s*(\\w+)\\s*=\\s*\"([^\"]*)\"\\s*$");

    /** A trigger extension: its handle, merchant-facing name and payload keys with their types. */
    public record Definition(String handle, String name, Map<String, String> fields) {
    }

    /** A trigger Flow accepted: a workflow of the shop starts with it. */
    public record Received(String shop, String handle, JsonNode payload) {
    }

    private final Map<String, Definition> definitions = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    /** Declares the triggers of every {@code flow_trigger} extension under {@code extensionsDir}. */
    public ShopifyFlowStandIn declare(Path extensionsDir) {
        read(extensionsDir).forEach(d -> definitions.put(d.handle(), d));
        return this;
    }

    /** The {@code flow_trigger} extensions under the directory (a minimal reader of their TOML's shape). */
    public static List<Definition> read(Path extensionsDir) {
        List<Definition> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(extensionsDir)) {
            for (Path toml : dirs.map(d -> d.resolve("shopify.extension.toml")).filter(Files::isRegularFile).sorted().toList()) {
                Definition d = parse(Files.readAllLines(toml, StandardCharsets.UTF_8));
                if (d != null) {
                    all.add(d);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    private static Definition parse(List<String> lines) {
        Map<String, String> extension = new LinkedHashMap<>();
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> field = null;
        for (String line : lines) {
            String t = line.trim();
            if (t.equals("[[settings.fields]]")) {
                field = new LinkedHashMap<>();
                continue;
            }
            Matcher m = ENTRY.matcher(line);
            if (!m.matches()) {
                continue;
            }
            if (field == null) {
                extension.put(m.group(1), m.group(2));
            } else {
                field.put(m.group(1), m.group(2));
                if (field.containsKey("type") && (field.containsKey("key") || field.get("type").endsWith("_reference"))) {
                    String type = field.get("type");
                    String key = type.endsWith("_reference") ? type.replace("_reference", "_id") : field.get("key");
                    fields.put(key, type);
                }
            }
        }
        return "flow_trigger".equals(extension.get("type"))
                ? new Definition(extension.get("handle"), extension.get("name"), fields) : null;
    }

    /** The triggers Flow accepted for the shop, in order. */
    public List<Received> received(String shop) {
        return received.stream().filter(r -> r.shop().equals(shop)).toList();
    }

    /** Every trigger Flow accepted. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** The answer to {@code flowTriggerReceive}: {@code userErrors} (empty when a workflow may start). */
    ObjectNode receive(String shop, JsonNode variables) {
        ObjectNode result = JSON.createObjectNode();
        ArrayNode errors = result.putArray("userErrors");
        String handle = variables.path("handle").asText(null);
        JsonNode payload = variables.path("payload");
        if (handle == null || !payload.isObject()) {
            error(errors, "handle", "`handle` and `payload` arguments are required");
            return result;
        }
        Definition definition = definitions.get(handle);
        if (definition == null) {
            error(errors, "body", "Errors validating schema:\n  Invalid handle '" + handle + "'.\n");
            return result;
        }
        if (payload.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
            error(errors, "body", "Errors validating schema:\n  Properties size exceeds the limit of "
                    + MAX_PAYLOAD_BYTES + " bytes.\n");
            return result;
        }
        payload.fieldNames().forEachRemaining(key -> {
            String type = definition.fields().get(key);
            if (type == null) {
                error(errors, "body", "Invalid field: '" + key + "'.");
            } else if (!fits(type, payload.get(key))) {
                error(errors, "body", "Type error for field '" + key + "': " + payload.get(key) + " is not a "
                        + type + ".");
            }
        });
        if (errors.isEmpty()) {
            received.add(new Received(shop, handle, payload.deepCopy()));
        }
        return result;
    }

    private static boolean fits(String type, JsonNode value) {
        return switch (type) {
            case "single_line_text_field" -> value.isTextual() && value.asText().indexOf('\n') < 0;
            case "number_decimal" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "customer_reference", "order_reference", "product_reference" -> value.isIntegralNumber()
                    && value.asLong() > 0;
            default -> value.isTextual();
        };
    }

    private static void error(ArrayNode errors, String field, String message) {
        ObjectNode e = errors.addObject();
        e.putArray("field").add(field);
        e.put("message", message);
    }

    /**
     * Sends Flow's lifecycle callback to the app at {@code url}, signed with {@code secret} as Flow signs it
     * ({@code X-Shopify-Hmac-SHA256}: base64 HMAC-SHA256 of the body); answers the app's HTTP status.
     */
    public static int lifecycle(String url, String secret, String shop, long shopId, String trigger, boolean enabled,
            OffsetDateTime timestamp) {
        ObjectNode body = JSON.createObjectNode().put("flow_trigger_definition_id", trigger)
                .put("has_enabled_flow", enabled).put("shop_id", shopId).put("shopify_domain", shop)
                .put("timestamp", timestamp.toString());
        return post(url, secret, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** POSTs a body signed with the secret, as Flow and webhooks are; answers the HTTP status. */
    public static int post(String url, String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .header("X-Shopify-Hmac-SHA256", Base64.getEncoder().encodeToString(mac.doFinal(body)))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
