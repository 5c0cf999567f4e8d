package io.customerflow.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FreePortsTest {

    /**
     * A stack picks its ports first and binds them later, one after another: the OS offers a free port again until
     * it is bound, so without memory two of 2,000 picks (a few thousand ephemeral ports) would all but surely meet.
     */
    @Test
    void neverHandsOutAPortTwice() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            ports.add(FreePorts.find());
        }
        assertEquals(2_000, ports.size());
    }
}
