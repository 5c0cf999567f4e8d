package io.customerflow.tagging;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;

/**
 * The whole application, started in-process the way {@code java -jar quarkus-run.jar} starts it, with a bad rule:
 * it must refuse to start and say which rule and field. Had the rules been compiled lazily (on the first event),
 * the application would start and keep running, and the launch would never return: the timeout fails the test.
 */
@QuarkusMainTest
@TestProfile(BadRuleStopsStartupTest.CancelRuleWithUnknownCondition.class)
class BadRuleStopsStartupTest {

    /** The shipped cancel rule with a typo in a condition type. */
    public static class CancelRuleWithUnknownCondition implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tagging.rules[1].conditions[3].type", "CUSTOMER_TAG");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theApplicationRefusesToStartNamingTheRuleAndField(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch();
        String output = result.getOutput() + "\n" + result.getErrorOutput();
        assertNotEquals(0, result.exitCode(), "exit code of a failed start; output:\n" + output);
        assertTrue(output.contains("tagging rule 'booking-cancelled' (tagging.rules[1]) is invalid: "
                + "tagging.rules[1].conditions[3].type 'CUSTOMER_TAG' is not one of"), output);
    }
}
