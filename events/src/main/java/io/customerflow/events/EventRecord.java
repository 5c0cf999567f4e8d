package io.customerflow.events;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One event as it travels: topic, key, CloudEvents attributes and typed data. Producers build it with
 * {@link #of}, consumers get it back from a Kafka record with {@link #read(ConsumerRecord)}.
 *
 * @param topic the default topic of the type (see {@link Topics}), unless the event goes to several
 */
public record EventRecord<T>(String topic, String key, CloudEvent cloudEvent, T data) {

    /** An event on its type's default topic. */
    public static <T> EventRecord<T> of(String key, CloudEvent cloudEvent, T data) {
        return new EventRecord<>(cloudEvent.type().topic(), key, cloudEvent, data);
    }

    /** The same event on another topic (e.g. {@link EventType#APP_UNINSTALLED} goes to both topics). */
    public EventRecord<T> onTopic(String otherTopic) {
        return new EventRecord<>(otherTopic, key, cloudEvent, data);
    }

    public EventType type() {
        return cloudEvent.type();
    }

    public String id() {
        return cloudEvent.id();
    }

    public byte[] value() {
        return EventJson.toBytes(data);
    }

    /**
     * Reads a record of any type of the contract, checked against its type's schema ({@link EventSchemaCheck}) before
     * it is mapped: whoever wrote the topic (a replay, an old producer, a bug), a consumer acts only on data of the
     * contract's shape.
     *
     * @throws InvalidEventException when headers or value break the contract
     */
    public static EventRecord<?> read(ConsumerRecord<String, byte[]> record) {
        CloudEvent ce = CloudEvent.fromHeaders(record.headers());
        com.fasterxml.jackson.databind.JsonNode tree = EventJson.treeFromBytes(record.value());
        EventSchemaCheck.check(ce.type(), tree);
        Object data = EventJson.fromTree(tree, ce.type().dataClass());
        return new EventRecord<>(record.topic(), record.key(), ce, data);
    }

    /** The data as the given type, when this record is of it. */
    public <D> D dataAs(Class<D> type) {
        if (!type.isInstance(data)) {
            throw new InvalidEventException(cloudEvent.type() + " does not carry " + type.getSimpleName());
        }
        return type.cast(data);
    }
}
