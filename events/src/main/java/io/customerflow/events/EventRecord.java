package io.customerflow.events;

/**
 * One event as it travels: the topic-independent key, CloudEvents attributes and typed data. Producers
 * build it, consumers get it back from a Kafka record with {@link #read(org.apache.kafka.clients.consumer.ConsumerRecord)}.
 */
public record EventRecord<T>(String key, CloudEvent cloudEvent, T data) {

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
     * Reads a record of any type of the contract.
     *
     * @throws InvalidEventException when headers or value break the contract
     */
    public static EventRecord<?> read(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record) {
        CloudEvent ce = CloudEvent.fromHeaders(record.headers());
        Object data = EventJson.fromBytes(record.value(), ce.type().dataClass());
        return new EventRecord<>(record.key(), ce, data);
    }

    /** The data as the given type, when this record is of it. */
    public <D> D dataAs(Class<D> type) {
        if (!type.isInstance(data)) {
            throw new InvalidEventException(cloudEvent.type() + " does not carry " + type.getSimpleName());
        }
        return type.cast(data);
    }
}
