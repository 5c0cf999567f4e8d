package io.customerflow.events;

import java.io.IOException;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON mapping of event data, used by every producer and consumer. UTF-8 bytes in and out, so names
 * in any script survive byte for byte; unknown fields are ignored so newer producers don't break older
 * consumers; nulls are omitted.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            // Emoji and other non-BMP characters as 4 UTF-8 bytes, not escaped surrogate pairs.
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private EventJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] toBytes(Object data) {
        try {
            return MAPPER.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serialize " + data.getClass().getSimpleName(), e);
        }
    }

    /** @throws InvalidEventException when the bytes aren't one JSON value */
    public static com.fasterxml.jackson.databind.JsonNode treeFromBytes(byte[] json) {
        if (json == null) {
            throw new InvalidEventException("record has no value");
        }
        try {
            com.fasterxml.jackson.databind.JsonNode tree = MAPPER.readTree(json);
            if (tree == null || tree.isMissingNode()) {
                throw new InvalidEventException("record value is empty");
            }
            return tree;
        } catch (IOException e) {
            throw new InvalidEventException("value is not JSON: " + reason(e), e);
        }
    }

    /** @throws InvalidEventException when the tree isn't of that shape */
    public static <T> T fromTree(com.fasterxml.jackson.databind.JsonNode tree, Class<T> type) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidEventException("value is not a valid " + type.getSimpleName() + ": " + reason(e), e);
        }
    }

    private static String reason(Exception e) {
        return e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage()
                : e.getMessage();
    }

    /** @throws InvalidEventException when the bytes aren't JSON of that shape */
    public static <T> T fromBytes(byte[] json, Class<T> type) {
        if (json == null) {
            throw new InvalidEventException("record has no value");
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            String reason = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    ? jpe.getOriginalMessage() : e.getMessage();
            throw new InvalidEventException("value is not a valid " + type.getSimpleName() + ": " + reason, e);
        }
    }
}
