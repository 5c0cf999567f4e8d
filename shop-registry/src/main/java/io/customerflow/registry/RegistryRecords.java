package io.customerflow.registry;

import io.customerflow.events.EventJson;
import io.customerflow.events.ShopDomains;

/** Reads a registry record and checks its shape before anyone acts on it (see {@link RegisteredShops}). */
final class RegistryRecords {

    private RegistryRecords() {
    }

    /** @throws IllegalArgumentException naming what is wrong (never a value but the key) */
    static ShopRecord read(String key, byte[] value, SecretBox box) {
        ShopRecord record = EventJson.fromBytes(value, ShopRecord.class);
        if (!ShopDomains.isValid(key) || !key.equals(record.shop())) {
            throw new IllegalArgumentException("the key must be the record's shop, a .myshopify.com domain");
        }
        if (record.status() == null || record.version() < 1 || record.updatedAt() == null) {
            throw new IllegalArgumentException("status, version (>= 1) and updatedAt are required");
        }
        ShopRecord.Credential c = record.credential();
        if (record.status() == ShopRecord.Status.INSTALLED) {
            if (c == null || c.kind() == null || c.accessToken() == null) {
                throw new IllegalArgumentException("an installed shop needs a credential with kind and accessToken");
            }
            if (c.kind() != ShopRecord.Credential.Kind.STATIC && c.accessTokenExpiresAt() == null) {
                throw new IllegalArgumentException("an " + c.kind() + " credential needs accessTokenExpiresAt");
            }
            if (c.kind() == ShopRecord.Credential.Kind.EXPIRING && c.refreshToken() == null) {
                throw new IllegalArgumentException("an expiring credential needs refreshToken");
            }
        } else if (c != null) {
            throw new IllegalArgumentException("a shop that is " + record.status() + " holds no credential");
        }
        if (record.status() == ShopRecord.Status.UNINSTALLED && record.klaviyoKey() != null) {
            throw new IllegalArgumentException("an uninstalled shop holds no secrets");
        }
        if (c != null) {
            box.open(key, "accessToken", c.accessToken()); // throws when sealed for another shop, or altered
            box.open(key, "refreshToken", c.refreshToken());
        }
        box.open(key, "klaviyoKey", record.klaviyoKey());
        return record;
    }
}
