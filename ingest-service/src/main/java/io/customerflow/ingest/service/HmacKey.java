package io.customerflow.ingest.service;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One HMAC-SHA256 secret, with a {@link Mac} per thread ready to sign. Every webhook is signed once per secret that
 * may sign for its shop: looking the algorithm up and keying a new {@code Mac} each time cost more than hashing the
 * body (bench/FINDINGS.md, "Ingest alone, profiled"). {@code doFinal} leaves the thread's Mac ready for the next body.
 */
final class HmacKey {

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    HmacKey(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
        newMac(); // an unusable key fails at start, not on the first webhook
    }

    byte[] sign(byte[] body) {
        return macs.get().doFinal(body);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
