-- The minimal customer store. The app promises to keep only: customer name, email address, order/booking IDs,
-- and the timestamps its reports need. CustomerSchemaTest fails if a column outside that list appears.

-- One row per customer of a shop. customer_key is the normalized email, or 'shopify:{id}' when Shopify gave no
-- email: the unique (shop, customer_key) makes concurrent first bookings upsert into one row.
create table customer (
    id                  bigserial primary key,
    shop                varchar(255) not null,
    customer_key        varchar(320) not null,
    email               varchar(320),
    email_normalized    varchar(320),
    first_name          varchar(255),
    last_name           varchar(255),
    shopify_customer_id bigint,
    first_booked_at     timestamptz,
    last_booked_at      timestamptz,
    checkout_bookings   integer not null default 0,
    instant_bookings    integer not null default 0,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    constraint customer_shop_key unique (shop, customer_key)
);
create index customer_shop_last_booked on customer (shop, last_booked_at);
create index customer_shop_shopify_id on customer (shop, shopify_customer_id);

-- A customer's bookings: the Shopify order id (checkout) or the instant-booking id, channel, status and times.
create table booking (
    id               bigserial primary key,
    customer_id      bigint not null references customer (id) on delete cascade,
    shop             varchar(255) not null,
    booking_id       varchar(200) not null,
    channel          varchar(16) not null check (channel in ('CHECKOUT', 'INSTANT')),
    shopify_order_id bigint,
    status           varchar(16) not null check (status in ('CONFIRMED', 'RESCHEDULED', 'CANCELLED')),
    booked_at        timestamptz not null,
    updated_at       timestamptz not null,
    constraint booking_shop_booking_id unique (shop, booking_id)
);
create index booking_shop_booked_at on booking (shop, booked_at);
create index booking_customer on booking (customer_id);

-- Exactly once: an event's id is inserted in the same transaction as its effect.
create table processed_event (
    event_id     varchar(400) primary key,
    processed_at timestamptz not null default now()
);

-- Redacted customers (and shops): a one-way hash of shop + identity, never the identity itself, so a replay
-- of their old events can't bring them back.
create table redaction (
    subject_hash char(64) primary key,
    redacted_at  timestamptz not null
);

-- Exports produced for customers/data_request, for the operator to retrieve (erased by a later redact).
create table data_export (
    id              bigserial primary key,
    shop            varchar(255) not null,
    subject_hash    char(64) not null,
    data_request_id bigint,
    requested_at    timestamptz not null,
    content         jsonb not null
);
create index data_export_shop on data_export (shop);
