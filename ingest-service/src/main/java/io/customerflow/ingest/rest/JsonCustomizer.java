package io.customerflow.ingest.rest;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.customerflow.ingest.service.TextWithoutNul;
import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * The REST API's JSON (Shopify webhooks are parsed by {@code ShopifyPayloads}' own mapper, untouched by this).
 * Keeps the client's UTC offset on request timestamps: a booking at 15:30+09:00 stays that, not 06:30Z. Rejects
 * fractions where a whole number is expected: {@code "durationMinutes": 60.9} is a client bug, and silently
 * booking 60 minutes would hide it. Refuses text holding U+0000 ({@link TextWithoutNul}).
 */
@Singleton
public class JsonCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.registerModule(new SimpleModule("text-without-nul").addDeserializer(String.class, TextWithoutNul.REFUSING));
    }
}
