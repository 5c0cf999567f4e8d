package io.customerflow.store.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** Console sessions signed out before their expiry, kept in PostgreSQL so every replica refuses them. */
@ApplicationScoped
public class RevokedSessions {

    private final Pool pool;

    public RevokedSessions(Pool pool) {
        this.pool = pool;
    }

    /** Revokes the session of this nonce digest until its expiry; drops rows of sessions that expired anyway. */
    public Uni<Void> revoke(String nonceSha256, Instant expiresAt) {
        return pool.withTransaction(c -> c.preparedQuery("insert into console_session_revoked (nonce_sha256,"
                + " expires_at) values ($1, $2) on conflict do nothing")
                .execute(Tuple.of(nonceSha256, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC)))
                .chain(() -> c.query("delete from console_session_revoked where expires_at < now()").execute()))
                .replaceWithVoid();
    }

    public Uni<Boolean> isRevoked(String nonceSha256) {
        return pool.preparedQuery("select 1 from console_session_revoked where nonce_sha256 = $1")
                .execute(Tuple.of(nonceSha256)).map(rows -> rows.size() > 0);
    }
}
