package io.customerflow.infra;

import java.time.Duration;
import java.util.Map;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * A service's {@code @ConfigMapping} read from the given properties alone, as Quarkus would read them (its
 * {@code Duration} converter, the mapping's defaults): unit tests of the start-up checks, without starting a JVM.
 */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static <T> T mapping(Class<T> type, Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(type)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "settings under test", 500)).build()
                .getConfigMapping(type);
    }
}
