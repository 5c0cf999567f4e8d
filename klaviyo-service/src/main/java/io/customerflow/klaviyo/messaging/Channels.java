package io.customerflow.klaviyo.messaging;

/** Channel names, shared by code, {@code application.properties} and tests. */
public final class Channels {

    /** ← {@code customer-events.v1}, consumer group {@code klaviyo}. */
    public static final String CUSTOMER_EVENTS_IN = "customer-events-in";

    /** → {@code klaviyo.work.v1}: the events Klaviyo gets, keyed (and partitioned) by Klaviyo account. */
    public static final String WORK_OUT = "klaviyo-work-out";

    /** ← {@code klaviyo.work.v1}, consumer group {@code klaviyo-sender}: one replica owns an account's partition. */
    public static final String WORK_IN = "klaviyo-work-in";

    /** Dead letters of this service. */
    public static final String DEAD_LETTER_TOPIC = "klaviyo.dlq.v1";

    private Channels() {
    }
}
