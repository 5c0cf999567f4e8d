package io.customerflow.consumer;

import java.time.Duration;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * The one retry loop of the SaaS clients (Shopify Admin, Klaviyo): an attempt that fails in a way worth retrying is
 * tried again after the delay its failure asks for (its {@code Retry-After}, a cost bucket's restore time, else
 * {@link Backoff#exponential}), until one retry budget ({@code give-up-after}) spent over all attempts and waits would
 * be exceeded; then the call ends with the client's give-up failure, which dead-letters the event.
 *
 * <p>Why not SmallRye Fault Tolerance's {@code @Retry}: its delay can't come from the failure (Retry-After, the
 * shop's cost bucket), and a THROTTLED answer is a wait, not a failed attempt; both must share one deadline.
 */
public final class SaasRetries {

    /** What to do about a failure. */
    public record Decision(Kind kind, Duration delay, String cause) {

        public enum Kind { GIVE_UP_NOW, RETRY, WAIT }

        /** Not worth retrying: the failure is passed on as it is. */
        public static Decision permanent() {
            return new Decision(Kind.GIVE_UP_NOW, Duration.ZERO, "");
        }

        /** A failed attempt, tried again after {@code delay}. */
        public static Decision retry(Duration delay, String cause) {
            return new Decision(Kind.RETRY, delay, cause);
        }

        /** Not a failed attempt (e.g. THROTTLED): the same attempt again after {@code delay}. */
        public static Decision waitFor(Duration delay, String cause) {
            return new Decision(Kind.WAIT, delay, cause);
        }
    }

    /** A client's side of the loop. */
    public interface Client<T> {

        /** One attempt, its pacing included. */
        Uni<T> attempt();

        /** Classifies a failure of attempt number {@code attempt} (from 1). */
        Decision decide(Throwable failure, int attempt);

        /** Before waiting: count it, log it (no personal data). */
        default void retrying(Decision decision, int attempt) {
        }

        /** The failure that ends the call once the budget is spent: it names what kept failing. */
        Throwable gaveUp(Throwable lastFailure, Decision last, int attempts, int waits, Duration spent);
    }

    private SaasRetries() {
    }

    public static <T> Uni<T> run(Client<T> client, Duration giveUpAfter) {
        return run(client, giveUpAfter, 1, 0, System.nanoTime());
    }

    private static <T> Uni<T> run(Client<T> client, Duration giveUpAfter, int attempt, int waits, long start) {
        return Uni.createFrom().deferred(client::attempt).onFailure().recoverWithUni(failure -> {
            Decision decision = client.decide(failure, attempt);
            if (decision.kind() == Decision.Kind.GIVE_UP_NOW) {
                return Uni.createFrom().failure(failure);
            }
            Duration spent = Duration.ofNanos(System.nanoTime() - start);
            if (spent.plus(decision.delay()).compareTo(giveUpAfter) > 0) {
                return Uni.createFrom().failure(client.gaveUp(failure, decision, attempt, waits, spent));
            }
            client.retrying(decision, attempt);
            boolean counts = decision.kind() == Decision.Kind.RETRY;
            Uni<Void> pause = decision.delay().isZero() ? Uni.createFrom().voidItem()
                    : Uni.createFrom().voidItem().onItem().delayIt().by(Backoff.timerDelay(decision.delay()));
            return pause.flatMap(v -> run(client, giveUpAfter, counts ? attempt + 1 : attempt,
                    counts ? waits : waits + 1, start));
        });
    }

    /** 408, 429 or 5xx from a SaaS: worth retrying, after its Retry-After when it gave one. */
    public static final class RetryableStatus extends RuntimeException {
        private final int status;
        private final Duration retryAfter;

        public RetryableStatus(int status, Duration retryAfter) {
            super("HTTP " + status, null, false, false);
            this.status = status;
            this.retryAfter = retryAfter;
        }

        public int status() {
            return status;
        }

        /** The server's Retry-After, or null. */
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** How a failure reads in logs, metrics and dead-letter reasons: {@code HTTP 503} or the exception's class. */
    public static String describe(Throwable failure) {
        return failure instanceof RetryableStatus r ? "HTTP " + r.status() : failure.getClass().getSimpleName();
    }

    /** The delay a failure asks for: its Retry-After, else exponential backoff with jitter up to {@code cap}. */
    public static Duration delay(Throwable failure, Duration firstBackoff, int attempt, Duration cap) {
        if (failure instanceof RetryableStatus r && r.retryAfter() != null) {
            return r.retryAfter();
        }
        return Backoff.exponential(firstBackoff, attempt, cap);
    }
}
