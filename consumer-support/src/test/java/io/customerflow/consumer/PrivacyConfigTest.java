package io.customerflow.consumer;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * A service of the redaction ledger without its key stops at start naming the property (an exported blank value
 * counts as none: a Secret that was never filled in). The packaged start: MisconfigurationStopsStartTest.
 */
class PrivacyConfigTest {

    static PrivacyConfig with(Optional<String> key) {
        return new PrivacyConfig() {
            @Override
            public Optional<String> ledgerKey() {
                return key;
            }

            @Override
            public String ledgerTopic() {
                return "redactions.v1";
            }
        };
    }

    @Test
    void aMissingOrBlankKeyNamesTheProperty() {
        for (Optional<String> key : java.util.List.of(Optional.<String>empty(), Optional.of(" "))) {
            String message = assertThrows(IllegalStateException.class, () -> with(key).requireLedger()).getMessage();
            assertTrue(message.contains("privacy.ledger-key is not set"), message);
        }
        assertNotNull(with(Optional.of("a-key-of-the-deployment")).requireLedger());
    }
}
