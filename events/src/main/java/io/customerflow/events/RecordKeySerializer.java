package io.customerflow.events;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.serialization.Serializer;

/** Writes a {@link RecordKeys.Key}'s wire form (never its basis), or a plain string key, as UTF-8. */
public class RecordKeySerializer implements Serializer<Object> {

    @Override
    public byte[] serialize(String topic, Object key) {
        if (key == null) {
            return null;
        }
        String wire = key instanceof RecordKeys.Key k ? k.wire() : key.toString();
        return wire.getBytes(StandardCharsets.UTF_8);
    }
}
