package io.customerflow.store.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/** Console sessions signed out before their expiry, kept in PostgreSQL so every replica refuses them. */
@ApplicationScoped
public class RevokedSessions {

    private final Mutiny.SessionFactory sessions;

    public RevokedSessions(Mutiny.SessionFactory sessions) {
        this.sessions = sessions;
    }

    /** Revokes the session of this nonce digest until its expiry; drops rows of sessions that expired anyway. */
    public Uni<Void> revoke(String nonceSha256, Instant expiresAt) {
        return sessions.withTransaction(s -> s.createNativeQuery("insert into console_session_revoked (nonce_sha256,"
                + " expires_at) values (?1, ?2) on conflict do nothing").setParameter(1, nonceSha256)
                .setParameter(2, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC)).executeUpdate()
                .chain(() -> s.createNativeQuery("delete from console_session_revoked where expires_at < now()")
                        .executeUpdate()))
                .replaceWithVoid();
    }

    public Uni<Boolean> isRevoked(String nonceSha256) {
        return sessions.withSession(s -> s.createNativeQuery("select count(*) from console_session_revoked"
                + " where nonce_sha256 = ?1", Long.class).setParameter(1, nonceSha256).getSingleResult())
                .map(n -> n > 0);
    }
}
