package io.customerflow.ingest.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.customerflow.infra.TestConfigs;
import io.customerflow.ingest.config.IngestConfig;
import io.customerflow.ingest.messaging.OverloadedException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

class RequestAdmissionTest {

    @Test
    void pastTheLimitADeliveryIsRefusedWithoutItsWorkStartingAndAPlaceGivenBackAdmitsTheNext() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RequestAdmission admission = new RequestAdmission(TestConfigs.mapping(IngestConfig.class,
                Map.of("ingest.delivery.max-concurrent-requests", "16")), registry);
        List<UniAssertSubscriber<Object>> working = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            working.add(admission.admit(System.nanoTime(), () -> Uni.createFrom().nothing()).subscribe()
                    .withSubscriber(UniAssertSubscriber.create()));
        }

        AtomicBoolean started = new AtomicBoolean();
        UniAssertSubscriber<Object> refused = admission.<Object>admit(System.nanoTime(), () -> {
            started.set(true);
            return Uni.createFrom().item("done");
        }).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertInstanceOf(OverloadedException.class, refused.getFailure());
        assertFalse(started.get(), "a refused delivery's work never starts");
        assertEquals(1.0, registry.get("ingest.requests.shed").counter().count());
        assertEquals(16.0, registry.get("ingest.admission.in.progress").gauge().value());

        working.get(0).cancel(); // a request that ends however it ends gives its place back
        admission.admit(System.nanoTime(), () -> Uni.createFrom().item("done")).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertItem("done");
        assertEquals(15.0, registry.get("ingest.admission.in.progress").gauge().value());
    }
}
