package io.customerflow.klaviyo.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.customerflow.consumer.Backoff;
import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.consumer.SaasRetries;
import io.customerflow.klaviyo.config.KlaviyoConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * The one door to Klaviyo. Paces every call per API key and endpoint within Klaviyo's published burst and steady
 * limits (so 429s are rare), honours {@code Retry-After} on 429, retries 5xx and timeouts with backoff and jitter
 * (bounded), and turns what Klaviyo will never accept into {@link KlaviyoFailure} with its error detail.
 */
@ApplicationScoped
public class KlaviyoClient {

    /** Klaviyo's endpoints with their published limits (burst per second, steady per minute). */
    public enum Endpoint {
        CREATE_EVENT(350, 3500), BULK_CREATE_EVENTS(10, 150), PROFILE_DELETION(3, 60), GET_ACCOUNTS(1, 15);

        final int burst;
        final int steady;

        Endpoint(int burst, int steady) {
            this.burst = burst;
            this.steady = steady;
        }
    }

    private final KlaviyoApi api;
    private final KlaviyoConfig config;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();

    public KlaviyoClient(@RestClient KlaviyoApi api, KlaviyoConfig config, ObjectMapper json, MeterRegistry metrics) {
        this.api = api;
        this.config = config;
        this.json = json;
        this.metrics = metrics;
    }

    public Uni<Void> send(Endpoint endpoint, String apiKey, JsonNode body) {
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(new KlaviyoFailure(DeadLetterReason.UNEXPECTED, "body not serializable", 0));
        }
        String auth = "Klaviyo-API-Key " + apiKey;
        Function<String, Uni<Response>> call = switch (endpoint) {
            case CREATE_EVENT -> b -> api.createEvent(auth, config.revision(), b);
            case BULK_CREATE_EVENTS -> b -> api.bulkCreateEvents(auth, config.revision(), b);
            case PROFILE_DELETION -> b -> api.requestProfileDeletion(auth, config.revision(), b);
            case GET_ACCOUNTS -> throw new IllegalArgumentException("checkKey reads the account");
        };
        return SaasRetries.run(new SaasRetries.Client<Void>() {
            @Override
            public Uni<Void> attempt() {
                return paced(limiter(endpoint, apiKey)).flatMap(v -> call.apply(text))
                        .flatMap(response -> handle(endpoint, apiKey, response))
                        // Should the client's default mapper turn a 4xx/5xx into an exception, judge its response alike.
                        .onFailure(jakarta.ws.rs.WebApplicationException.class).recoverWithUni(e -> Uni.createFrom()
                                .deferred(() -> handle(endpoint, apiKey,
                                        ((jakarta.ws.rs.WebApplicationException) e).getResponse())));
            }

            @Override
            public SaasRetries.Decision decide(Throwable failure, int attempt) {
                return failure instanceof KlaviyoFailure ? SaasRetries.Decision.permanent()
                        : SaasRetries.Decision.retry(SaasRetries.delay(failure, config.delivery().retryBackoff(),
                                attempt, Duration.ofSeconds(60)), SaasRetries.describe(failure));
            }

            @Override
            public void retrying(SaasRetries.Decision decision, int attempt) {
                metrics.counter("klaviyo.retries", "endpoint", endpoint.name().toLowerCase(), "cause", decision.cause())
                        .increment();
                Log.debugf("Klaviyo %s failed (%s), retry %d in %d ms", endpoint, decision.cause(), attempt,
                        decision.delay().toMillis());
            }

            @Override
            public Throwable gaveUp(Throwable last, SaasRetries.Decision decision, int attempts, int waits,
                    Duration spent) {
                return new KlaviyoFailure(DeadLetterReason.GAVE_UP, "Klaviyo unavailable after " + attempts
                        + " attempts in " + spent.toSeconds() + " s: " + decision.cause(),
                        last instanceof SaasRetries.RetryableStatus r ? r.status() : 0);
            }
        }, config.delivery().giveUpAfter());
    }

    /** What one check of a key found (the shop health's {@code klaviyo} states). */
    public enum KeyState { VALID, REVOKED, FAILED }

    /**
     * One paced {@code GET /api/accounts} with the key, no retry (the next check is the retry): 2xx valid; 401 revoked
     * (Klaviyo does not know the key); 403 valid too (the key authenticates, it only lacks {@code accounts:read},
     * which sending does not need); anything else, a timeout included, failed.
     */
    public Uni<KeyState> checkKey(String apiKey) {
        return paced(limiter(Endpoint.GET_ACCOUNTS, apiKey))
                .flatMap(v -> api.getAccounts("Klaviyo-API-Key " + apiKey, config.revision()))
                .map(Response::getStatus)
                .onFailure(jakarta.ws.rs.WebApplicationException.class)
                .recoverWithItem(e -> ((jakarta.ws.rs.WebApplicationException) e).getResponse().getStatus())
                .map(status -> {
                    metrics.counter("klaviyo.requests", "endpoint", "get_accounts", "status", Integer.toString(status))
                            .increment();
                    if (status == 401) {
                        return KeyState.REVOKED;
                    }
                    if (status == 429) {
                        Log.debugf("Klaviyo key check throttled; checked again later");
                    }
                    return status >= 200 && status < 300 || status == 403 ? KeyState.VALID : KeyState.FAILED;
                })
                .ifNoItem().after(Duration.ofSeconds(30)).recoverWithItem(KeyState.FAILED)
                .onFailure().recoverWithItem(KeyState.FAILED);
    }

    /**
     * Waits for this call's slot in the account's limits. A 429 that came back meanwhile blocks the whole account's
     * endpoint, so a call whose slot fell inside that block takes a new slot after it instead of starting.
     */
    private Uni<Void> paced(RateLimiter limiter) {
        Duration pace = limiter.reserve(System.nanoTime());
        Uni<Void> slot = pace.isZero() ? Uni.createFrom().voidItem() : Uni.createFrom().voidItem().onItem().delayIt().by(Backoff.timerDelay(pace));
        return slot.flatMap(v -> {
            Duration blocked = limiter.blockedFor(System.nanoTime());
            return blocked.isZero() ? Uni.createFrom().voidItem()
                    : Uni.createFrom().voidItem().onItem().delayIt().by(Backoff.timerDelay(blocked)).flatMap(w -> paced(limiter));
        });
    }

    private Uni<Void> handle(Endpoint endpoint, String apiKey, Response response) {
        int status = response.getStatus();
        metrics.counter("klaviyo.requests", "endpoint", endpoint.name().toLowerCase(), "status", Integer.toString(status))
                .increment();
        if (status >= 200 && status < 300) {
            return Uni.createFrom().voidItem();
        }
        if (status == 429 || status == 408 || status >= 500) {
            Duration retryAfter = retryAfter(response);
            if (status == 429 && retryAfter != null) {
                // Klaviyo's limits are per account: every call of this key to this endpoint backs off, not only this one.
                limiter(endpoint, apiKey).blockUntil(System.nanoTime() + retryAfter.toNanos());
            }
            throw new SaasRetries.RetryableStatus(status, retryAfter);
        }
        JsonNode errors = errors(response);
        String detail = errorDetail(errors);
        if (status == 401 || status == 403) {
            throw new KlaviyoFailure(DeadLetterReason.UNAUTHORIZED, "Klaviyo rejected the API key (" + status + "): " + detail, status);
        }
        List<String> pointers = new ArrayList<>();
        errors.forEach(e -> pointers.add(e.path("source").path("pointer").asText("")));
        throw new KlaviyoFailure(DeadLetterReason.REJECTED, "Klaviyo rejected the request (" + status + "): " + detail, status, pointers);
    }

    /** Klaviyo's {@code errors} array; empty when the body has none or is unreadable. */
    private JsonNode errors(Response response) {
        try {
            return json.readTree(response.readEntity(String.class)).path("errors");
        } catch (RuntimeException | java.io.IOException e) {
            return json.createArrayNode();
        }
    }

    /** Klaviyo's {@code errors[].detail} (and source pointer), for the dead letter's reason. */
    private static String errorDetail(JsonNode errors) {
        StringBuilder out = new StringBuilder();
        for (JsonNode e : errors) {
            if (!out.isEmpty()) {
                out.append("; ");
            }
            out.append(e.path("detail").asText(e.path("title").asText("error")));
            String pointer = e.path("source").path("pointer").asText("");
            if (!pointer.isEmpty()) {
                out.append(" at ").append(pointer);
            }
        }
        return out.isEmpty() ? "no detail" : out.toString();
    }

    /** This account's limiter of each endpoint (for a pacing handover between replicas). */
    public Map<Endpoint, RateLimiter> limiters(String apiKey) {
        Map<Endpoint, RateLimiter> of = new java.util.EnumMap<>(Endpoint.class);
        for (Endpoint endpoint : Endpoint.values()) {
            of.put(endpoint, limiter(endpoint, apiKey));
        }
        return of;
    }

    /** How long a call of this account to this endpoint would wait for its slot if it started now. */
    public Duration waitFor(Endpoint endpoint, String apiKey) {
        return limiter(endpoint, apiKey).waitFor(System.nanoTime());
    }

    private RateLimiter limiter(Endpoint endpoint, String apiKey) {
        // Limits are per account: all of this service's calls with one key share them. Bulk jobs are spread over
        // their minute (150 a minute is one every 0.4 s): a job then carries what queued since the last one, so
        // events wait at most that long, where jobs sent as fast as the burst allows would spend the minute's
        // jobs in seconds and hold everything else back until it slides.
        double share = config.delivery().rateLimitShare();
        return limiters.computeIfAbsent(endpoint + "|" + apiKey, k -> endpoint == Endpoint.BULK_CREATE_EVENTS
                ? RateLimiter.spaced(endpoint.burst, endpoint.steady, share)
                : RateLimiter.of(endpoint.burst, endpoint.steady, share));
    }

    private static Duration retryAfter(Response response) {
        return Backoff.retryAfter(response.getHeaderString("Retry-After"));
    }
}
