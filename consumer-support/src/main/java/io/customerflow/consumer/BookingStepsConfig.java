package io.customerflow.consumer;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where a consumer keeps the latest step it acted on per booking ({@link BookingSteps}, {@code booking-steps.*}). */
@ConfigMapping(prefix = "booking-steps")
public interface BookingStepsConfig {

    /**
     * The service's own compacted topic (tagging and klaviyo each keep theirs: each decides from the order in which
     * it read the steps, so the two never disagree because one ran ahead of the other).
     */
    @WithDefault("${quarkus.application.name}.booking-steps.v1")
    String topic();

    /**
     * How long a booking's latest step is remembered (the topic's retention too). A step arriving later than this
     * after a newer one of its booking is no longer recognised as outdated.
     */
    @WithDefault("90d")
    Duration keep();
}
