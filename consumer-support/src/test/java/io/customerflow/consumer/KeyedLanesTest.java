package io.customerflow.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class KeyedLanesTest {

    @Test
    void workOfOneLaneRunsInOrderWhileAnotherLaneGoesAhead() throws Exception {
        KeyedLanes lanes = new KeyedLanes(100);
        List<String> log = new CopyOnWriteArrayList<>();
        CompletableFuture<String> slowA1 = new CompletableFuture<>();

        lanes.submit("A", () -> slowA1, (r, e) -> log.add("A1"));
        lanes.submit("A", () -> CompletableFuture.completedFuture("x"), (r, e) -> log.add("A2"));
        lanes.submit("B", () -> CompletableFuture.completedFuture("y"), (r, e) -> log.add("B1"));

        assertEquals(List.of("B1"), log, "B is not held up by A's slow work; A2 waits for A1");
        slowA1.complete("done");
        assertEquals(List.of("B1", "A1", "A2"), log);
        assertEquals(0, lanes.inFlight());
    }

    @Test
    void failuresReachDoneAndDoNotBlockTheLane() {
        KeyedLanes lanes = new KeyedLanes(10);
        List<String> log = new CopyOnWriteArrayList<>();
        lanes.submit("A", () -> { throw new IllegalStateException("boom"); },
                (r, e) -> log.add("1:" + e.getMessage()));
        lanes.submit("A", () -> CompletableFuture.failedFuture(new IllegalArgumentException("bad")),
                (r, e) -> log.add("2:" + e.getMessage()));
        lanes.submit("A", () -> CompletableFuture.completedFuture("ok"), (r, e) -> log.add("3:" + r));
        assertEquals(List.of("1:boom", "2:bad", "3:ok"), log);
    }

    @Test
    void admissionWaitsWhenTooMuchIsInFlight() throws Exception {
        KeyedLanes lanes = new KeyedLanes(2);
        CompletableFuture<String> first = new CompletableFuture<>();
        assertTrue(lanes.submit("A", () -> first, (r, e) -> { }).toCompletableFuture().isDone());
        assertTrue(lanes.submit("B", CompletableFuture::new, (r, e) -> { }).toCompletableFuture().isDone());
        CompletableFuture<String> slowC = new CompletableFuture<>();
        CompletionStage<Void> third = lanes.submit("C", () -> slowC, (r, e) -> { });
        // C started at once (its lane is free) but the caller is held until a slot frees.
        assertFalse(third.toCompletableFuture().isDone());
        first.complete("a");
        third.toCompletableFuture().get(1, TimeUnit.SECONDS);
    }
}
