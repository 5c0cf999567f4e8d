-- Shops whose app/uninstalled the store has seen and whose shop/redact has not come yet. Shopify sends shop/redact
-- 48 hours after an uninstall; a shop/redact for a shop not listed here is refused (dead-lettered), since the header
-- that names its topic is not signed and a captured body must not erase an installed shop.
create table shop_uninstalled (
    shop           varchar(255) primary key,
    uninstalled_at timestamptz not null
);
