package io.customerflow.ingest.messaging;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Acknowledgment;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.consumer.DeadLetters;
import io.customerflow.events.ShopCommand;
import io.customerflow.events.ShopHealthReport;
import io.customerflow.registry.ShopHealth;
import io.customerflow.ingest.reconcile.PassState;
import io.customerflow.ingest.reconcile.Reconciler;
import io.customerflow.ingest.reconcile.SubscriptionKeeper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Does what an operator asked for in the console ({@value Channels#SHOP_COMMANDS_TOPIC}): a backfill is requested as
 * the API's {@code POST /v1/backfills} requests it (the replica running the passes starts it); a subscription check
 * runs here at once. Idempotent per command: a backfill requested or started after the command's time means this
 * command (or a later one) was done, and a check done twice repairs nothing twice. A record that isn't a command goes
 * to {@value Channels#DEAD_LETTER_TOPIC} with the reason; one the shop can't carry out (not installed here) is
 * acknowledged, counted and logged: the console shows the shop's state.
 */
@ApplicationScoped
public class ShopCommandsConsumer {

    /** A command older than this is not done (counted {@code stale}). */
    static final java.time.Duration STALE_AFTER = java.time.Duration.ofHours(24);

    private final Reconciler reconciler;
    private final SubscriptionKeeper subscriptions;
    private final ShopHealth health;
    private final DeadLetters deadLetters;
    private final MeterRegistry metrics;

    public ShopCommandsConsumer(Reconciler reconciler, SubscriptionKeeper subscriptions, MeterRegistry metrics,
            ShopHealth health) {
        this.health = health;
        this.reconciler = reconciler;
        this.subscriptions = subscriptions;
        this.metrics = metrics;
        this.deadLetters = new DeadLetters(metrics, "ingest");
    }

    @Incoming(Channels.SHOP_COMMANDS_IN)
    @Acknowledgment(Acknowledgment.Strategy.MANUAL)
    public CompletionStage<Void> consume(Message<ConsumerRecord<String, byte[]>> message) {
        // On a worker: a check calls Shopify, a backfill request waits for Kafka.
        return Uni.createFrom().deferred(() -> Uni.createFrom().completionStage(handle(message)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).subscribeAsCompletionStage();
    }

    private CompletionStage<Void> handle(Message<ConsumerRecord<String, byte[]>> message) {
        ShopCommand command;
        try {
            command = ShopCommand.read(message.getPayload().value());
        } catch (IllegalArgumentException e) {
            count("unknown", "invalid");
            return deadLetters.nack(message, DeadLetterReason.INVALID_EVENT, e);
        }
        if (command.at().isBefore(OffsetDateTime.now(ZoneOffset.UTC).minus(STALE_AFTER))) {
            // Offsets lost (a renamed group, one idle past the offsets' retention) would otherwise redo months of
            // the console's commands: an operator asks again if it still matters.
            count(command.action(), "stale");
            Log.warnf("console command %s: %s of %s by %s is older than %s: not done", command.id(), command.action(),
                    command.shop(), command.by(), STALE_AFTER);
            return message.ack();
        }
        try {
            String outcome = switch (command.action()) {
                case ShopCommand.BACKFILL -> backfill(command);
                default -> subscriptions.checkNow(command.shop()).map(o -> o.name().toLowerCase())
                        .orElseGet(() -> notKept(command.shop()));
            };
            count(command.action(), outcome);
            Log.infof("console command %s: %s of %s by %s: %s", command.id(), command.action(), command.shop(),
                    command.by(), outcome);
            return message.ack();
        } catch (RuntimeException e) {
            count(command.action(), "failed");
            return deadLetters.nack(message, e);
        }
    }

    /** The operator asked, and the shop's page says why nothing was checked. */
    private String notKept(String shop) {
        health.report(shop, ShopHealthReport.Aspect.SUBSCRIPTIONS, "not_kept", null).exceptionally(e -> null);
        return "not_kept";
    }

    private String backfill(ShopCommand command) {
        if (!reconciler.knows(command.shop())) {
            return "not_installed";
        }
        if (command.since().isAfter(OffsetDateTime.now(ZoneOffset.UTC))) {
            return "in_the_future";
        }
        PassState current = reconciler.backfill(command.shop()).orElse(null);
        if (current != null) {
            OffsetDateTime requested = current.startedAt() != null ? current.startedAt() : current.savedAt();
            if (requested != null && !requested.isBefore(command.at())) {
                return "already_done"; // a redelivery: this command (or a later one) was requested already
            }
            if (current.status() == PassState.Status.RUNNING || current.status() == PassState.Status.REQUESTED) {
                return "already_running";
            }
        }
        // Kafka not acknowledging is transient: tried again here before the command is dead-lettered (replayable).
        for (int attempt = 1;; attempt++) {
            try {
                reconciler.requestBackfill(command.shop(), command.since(), command.until()).get(30, TimeUnit.SECONDS);
                return "requested";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (Exception e) {
                if (attempt == 3) {
                    throw new IllegalStateException("the backfill request was not acknowledged by Kafka: " + e, e);
                }
            }
        }
    }

    private void count(String action, String outcome) {
        metrics.counter("ingest.shop.commands", "action", action, "outcome", outcome).increment();
    }
}
