package io.customerflow.klaviyo.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.customerflow.events.EventType;
import io.customerflow.klaviyo.config.KlaviyoConfig;
import io.quarkus.runtime.Startup;

/**
 * The Klaviyo metric of each booking step, per shop: the shop's own name, else its account's, else the default.
 * Every configured name is checked at startup (Klaviyo takes names under 128 characters), so a bad name stops the
 * service at deploy time instead of dead-lettering each booking.
 */
@Startup
@ApplicationScoped
public class MetricNames {

    /** Klaviyo: "Name of the event. Must be less than 128 characters." */
    static final int MAX_LENGTH = 127;

    private static final Logger LOG = Logger.getLogger(MetricNames.class);

    private final KlaviyoConfig config;

    public MetricNames(KlaviyoConfig config) {
        this.config = config;
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid Klaviyo metric names: " + String.join("; ", problems));
        }
        Set<String> served = config.accounts().values().stream().flatMap(a -> a.shops().stream())
                .collect(Collectors.toSet());
        config.shops().keySet().stream().filter(shop -> !served.contains(shop)).forEach(shop -> LOG.warnf(
                "klaviyo.shops.\"%s\" is configured but no klaviyo.accounts entry serves that shop (fine when the shop"
                        + " registry holds its Klaviyo key)", shop));
    }

    /**
     * The metric for this step of a booking of {@code shop}, which {@code account} serves (an account of
     * {@code klaviyo.accounts}, or none for a key of the shop registry).
     */
    public String of(String shop, Optional<KlaviyoConfig.Account> account, EventType step) {
        KlaviyoConfig.Shop own = config.shops().get(shop);
        return switch (step) {
            case BOOKING_CONFIRMED -> first(own == null ? Optional.empty() : own.confirmedMetric(),
                    account.flatMap(KlaviyoConfig.Account::confirmedMetric), config.metrics().confirmed());
            case BOOKING_RESCHEDULED -> first(own == null ? Optional.empty() : own.rescheduledMetric(),
                    account.flatMap(KlaviyoConfig.Account::rescheduledMetric), config.metrics().rescheduled());
            case BOOKING_CANCELLED -> first(own == null ? Optional.empty() : own.cancelledMetric(),
                    account.flatMap(KlaviyoConfig.Account::cancelledMetric), config.metrics().cancelled());
            case BOOKING_COMPLETED -> first(own == null ? Optional.empty() : own.completedMetric(),
                    account.flatMap(KlaviyoConfig.Account::completedMetric), config.metrics().completed());
            case BOOKING_NO_SHOW -> first(own == null ? Optional.empty() : own.noShowMetric(),
                    account.flatMap(KlaviyoConfig.Account::noShowMetric), config.metrics().noShow());
            default -> throw new IllegalArgumentException("not a booking step: " + step);
        };
    }

    /** Every configured name that Klaviyo would refuse, with the property it came from. */
    static List<String> problems(KlaviyoConfig config) {
        List<String> problems = new ArrayList<>();
        check(problems, "klaviyo.metrics.confirmed", Optional.of(config.metrics().confirmed()));
        check(problems, "klaviyo.metrics.rescheduled", Optional.of(config.metrics().rescheduled()));
        check(problems, "klaviyo.metrics.cancelled", Optional.of(config.metrics().cancelled()));
        check(problems, "klaviyo.metrics.completed", Optional.of(config.metrics().completed()));
        check(problems, "klaviyo.metrics.no-show", Optional.of(config.metrics().noShow()));
        for (Map.Entry<String, KlaviyoConfig.Account> a : config.accounts().entrySet()) {
            String prefix = "klaviyo.accounts." + a.getKey() + ".";
            check(problems, prefix + "confirmed-metric", a.getValue().confirmedMetric());
            check(problems, prefix + "rescheduled-metric", a.getValue().rescheduledMetric());
            check(problems, prefix + "cancelled-metric", a.getValue().cancelledMetric());
            check(problems, prefix + "completed-metric", a.getValue().completedMetric());
            check(problems, prefix + "no-show-metric", a.getValue().noShowMetric());
        }
        for (Map.Entry<String, KlaviyoConfig.Shop> s : config.shops().entrySet()) {
            String prefix = "klaviyo.shops.\"" + s.getKey() + "\".";
            check(problems, prefix + "confirmed-metric", s.getValue().confirmedMetric());
            check(problems, prefix + "rescheduled-metric", s.getValue().rescheduledMetric());
            check(problems, prefix + "cancelled-metric", s.getValue().cancelledMetric());
            check(problems, prefix + "completed-metric", s.getValue().completedMetric());
            check(problems, prefix + "no-show-metric", s.getValue().noShowMetric());
        }
        return problems;
    }

    private static void check(List<String> problems, String property, Optional<String> name) {
        name.ifPresent(n -> {
            if (n.isBlank()) {
                problems.add(property + " is blank");
            } else if (n.length() > MAX_LENGTH) {
                problems.add(property + " has " + n.length() + " characters, Klaviyo takes at most " + MAX_LENGTH);
            }
        });
    }

    private static String first(Optional<String> shop, Optional<String> account, String fallback) {
        return shop.or(() -> account).orElse(fallback);
    }
}
