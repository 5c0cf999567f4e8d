-- Console sessions signed out before they expired: a copied cookie stops working at sign-out, on every replica.
-- The session's nonce only, as a SHA-256 digest; rows are dropped once the session would have expired anyway.
create table console_session_revoked (
    nonce_sha256 varchar(64) primary key,
    expires_at   timestamptz not null
);
