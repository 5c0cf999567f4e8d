package io.customerflow.consumer;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The redaction ledger's settings, the same in every service of a deployment ({@code privacy.*}). */
@ConfigMapping(prefix = "privacy")
public interface PrivacyConfig {

    /**
     * The key of the ledger's keyed hashes (HMAC-SHA256): a random secret of 32 bytes or more, the same in ingest,
     * tagging and klaviyo (a Kubernetes Secret in the chart). Required where the ledger is used; changing it makes
     * every earlier redaction unrecognisable, so it is never rotated without re-keying the ledger.
     */
    Optional<String> ledgerKey();

    /**
     * The ledger of this key, for a service that uses it.
     *
     * @throws IllegalStateException naming the property when the key is missing or blank (start-up stops)
     */
    default io.customerflow.events.RedactionLedger requireLedger() {
        return new io.customerflow.events.RedactionLedger(ledgerKey().filter(k -> !k.isBlank()).orElseThrow(
                () -> new IllegalStateException("privacy.ledger-key is not set (PRIVACY_LEDGER_KEY): the redaction "
                        + "ledger's key, the same secret in ingest, tagging and klaviyo")));
    }

    /**
     * Record keys of this deployment ({@link io.customerflow.events.RecordKeys}): hashed under the same secret, so a
     * producer writes and a consumer recognises one customer's key alike.
     */
    default io.customerflow.events.RecordKeys requireRecordKeys() {
        requireLedger(); // the same checks, naming the property
        return new io.customerflow.events.RecordKeys(ledgerKey().orElseThrow());
    }

    /** The compacted ledger topic. */
    @WithDefault("redactions.v1")
    String ledgerTopic();
}
