package io.customerflow.ingest.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.ingest.service.BadPayloadException;
import io.smallrye.mutiny.Uni;

/**
 * A backfill's bulk read: starts {@code bulkOperationRunQuery} for a window of orders, asks where it stands, and opens
 * its JSONL result. The two GraphQL calls go through ingest's one Admin GraphQL door (paced in the shop's bucket: 10
 * points to start, 1 per status); the export itself costs the bucket nothing. The result is a signed address on
 * Shopify's storage: it is fetched without the shop's token, and only from {@code result-url-prefixes}.
 */
@ApplicationScoped
public class BulkOrdersClient {

    /** A bulk operation as Shopify reports it; {@code url} is set once it completed with a result. */
    public record Operation(String id, String status, String errorCode, long rootObjectCount, String url) {
    }

    /** Another bulk query of this app runs in the shop (Shopify allows one at a time): try again later. */
    public static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message);
        }
    }

    /** The result can't be read any more (its signed address expired, or it is gone): a new operation is needed. */
    public static final class ResultGone extends IOException {
        ResultGone(String message) {
            super(message);
        }
    }

    /** A result address outside {@code ingest.reconcile.bulk.result-url-prefixes}: never fetched. */
    public static final class UntrustedAddress extends RuntimeException {
        UntrustedAddress(String message) {
            super(message);
        }
    }

    /** An open result, from byte {@code startsAt} (0 when the server ignored the range asked for). */
    public record Download(InputStream body, long startsAt) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    private final ShopifyOrdersClient orders;
    private final IngestConfig.Bulk config;

    public BulkOrdersClient(ShopifyOrdersClient orders, IngestConfig config) {
        this.orders = orders;
        this.config = config.reconcile().bulk();
        orders.graphql().expectCost(OrderQueries.BULK_RUN, 10).expectCost(OrderQueries.BULK_STATUS, 1);
    }

    /** Starts the export of the orders created in {@code [from, to]}; emits its gid, or fails with {@link Busy}. */
    public Uni<String> start(String shop, String token, OffsetDateTime from, OffsetDateTime to, double keepShare) {
        String search = ShopifyOrdersClient.search(ShopifyOrdersClient.Field.CREATED_AT, from, to);
        return orders.graphql().call(shop, orders.latest(shop, token), OrderQueries.BULK_RUN,
                Map.of("query", OrderQueries.bulkOrders(search)), keepShare).map(data -> {
                    JsonNode run = data.path("bulkOperationRunQuery");
                    JsonNode errors = run.path("userErrors");
                    if (errors.isArray() && !errors.isEmpty()) {
                        String code = errors.get(0).path("code").asText("");
                        String message = errors.get(0).path("message").asText("");
                        if (code.equals("OPERATION_IN_PROGRESS") || message.contains("already in progress")) {
                            throw new Busy("a bulk query of this app already runs in " + shop);
                        }
                        throw new BadPayloadException("Shopify refused the bulk query: " + code);
                    }
                    String id = run.path("bulkOperation").path("id").asText("");
                    if (!id.startsWith("gid://shopify/BulkOperation/")) {
                        throw new BadPayloadException("the answer names no bulk operation");
                    }
                    return id;
                });
    }

    /** Where the operation stands; null when Shopify knows no such operation. */
    public Uni<Operation> status(String shop, String token, String id, double keepShare) {
        return orders.graphql().call(shop, orders.latest(shop, token), OrderQueries.BULK_STATUS, Map.of("id", id),
                keepShare).map(data -> {
                    JsonNode op = data.path("node");
                    if (!op.isObject() || !id.equals(op.path("id").asText())) {
                        return null;
                    }
                    String url = op.path("url").isTextual() ? op.get("url").asText() : null;
                    return new Operation(id, op.path("status").asText(""), op.path("errorCode").asText(null),
                            op.path("rootObjectCount").asLong(0), url);
                });
    }

    /**
     * Opens the result from byte {@code offset} (a {@code Range} request; a server that ignores it sends the whole
     * file and {@link Download#startsAt} says so). Blocking: a pass runs on its own thread.
     *
     * @throws UntrustedAddress when the address is not under a configured prefix
     * @throws ResultGone when the storage refuses the address (expired or removed)
     */
    public Download open(String url, long offset) throws IOException {
        if (!trusted(url, config.resultUrlPrefixes())) {
            throw new UntrustedAddress("the result address is not under ingest.reconcile.bulk.result-url-prefixes");
        }
        // HttpURLConnection for its read timeout: a stalled body must end the read, not hold the pass forever.
        java.net.HttpURLConnection connection = (java.net.HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setInstanceFollowRedirects(false);
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout((int) config.readTimeout().toMillis());
        connection.setUseCaches(false);
        if (offset > 0) {
            connection.setRequestProperty("Range", "bytes=" + offset + "-");
        }
        int status = connection.getResponseCode();
        if (status == 200 || status == 206) {
            return new Download(connection.getInputStream(), status == 206 ? offset : 0);
        }
        connection.disconnect();
        if (status == 416) { // the range starts at the file's end: nothing left to read
            return new Download(InputStream.nullInputStream(), offset);
        }
        if (status >= 400 && status < 500) {
            throw new ResultGone("the storage answered " + status);
        }
        throw new IOException("the storage answered " + status);
    }

    static boolean trusted(String url, List<String> prefixes) {
        try {
            URI uri = URI.create(url);
            if (uri.getRawUserInfo() != null) {
                return false;
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        return prefixes.stream().anyMatch(p -> !p.isBlank() && url.startsWith(p));
    }
}
