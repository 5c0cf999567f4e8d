-- The redaction requests applied, for the console's privacy page: the shop, the kind and when, nothing about whom
-- (the subject's one-way hashes stay in redaction, and no row of this table names a customer).
create table redaction_request (
    id           bigserial primary key,
    shop         varchar(255) not null,
    kind         varchar(16) not null check (kind in ('CUSTOMER', 'SHOP')),
    requested_at timestamptz not null,
    applied_at   timestamptz not null default now()
);
create index redaction_request_shop on redaction_request (shop, requested_at);
