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

    /** The compacted ledger topic. */
    @WithDefault("redactions.v1")
    String ledgerTopic();
}
