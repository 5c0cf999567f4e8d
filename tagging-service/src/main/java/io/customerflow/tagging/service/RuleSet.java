package io.customerflow.tagging.service;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import io.customerflow.tagging.config.TaggingConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;

/**
 * The enabled rules, compiled once when the application starts. Eager on purpose: a bad rule must stop the
 * service at start with a message naming the rule and field, not leave it healthy while it dead-letters every
 * event. {@code PLATFORM_BEFORE} runs this before the Kafka consumer is wired, so a bad configuration never joins
 * the consumer group.
 */
@Startup(Interceptor.Priority.PLATFORM_BEFORE)
@Singleton
public class RuleSet {

    private final List<Rules.Rule> rules;

    public RuleSet(TaggingConfig config) {
        this.rules = Rules.compile(config.rules());
        Log.infof("tagging rules in force: %s", rules.stream()
                .map(r -> r.name() + " (" + r.trigger() + ")").collect(Collectors.joining(", ")));
    }

    /** Enabled rules, in configured order. */
    public List<Rules.Rule> enabled() {
        return rules;
    }
}
