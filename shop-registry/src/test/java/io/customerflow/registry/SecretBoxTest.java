package io.customerflow.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.customerflow.events.EventJson;

class SecretBoxTest {

    static final String K1 = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    static final String K2 = Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));

    @Test
    void sealsWithoutThePlaintextAndOpensForTheSameShopAndFieldOnly() {
        SecretBox box = new SecretBox(Map.of("k1", K1), null);
        String sealed = box.seal("a.myshopify.com", "accessToken", "shpat_secret_123");
        assertFalse(sealed.contains("shpat_secret_123"));
        assertTrue(sealed.startsWith("gcm1:k1:"));
        assertEquals("shpat_secret_123", box.open("a.myshopify.com", "accessToken", sealed));
        assertThrows(SecretBox.SealedSecretException.class, () -> box.open("b.myshopify.com", "accessToken", sealed));
        assertThrows(SecretBox.SealedSecretException.class, () -> box.open("a.myshopify.com", "refreshToken", sealed));
        String altered = sealed.substring(0, sealed.length() - 4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThrows(SecretBox.SealedSecretException.class, () -> box.open("a.myshopify.com", "accessToken", altered));
        assertThrows(SecretBox.SealedSecretException.class, () -> box.open("a.myshopify.com", "accessToken", "shpat_plain"));
        // Two seals of one secret differ (fresh nonce): equal ciphertexts would tell which shops share a key.
        assertFalse(sealed.equals(box.seal("a.myshopify.com", "accessToken", "shpat_secret_123")));
    }

    @Test
    void aRetiredKeyStillOpensWhatItSealedWhileTheActiveOneSeals() {
        String old = new SecretBox(Map.of("k1", K1), null).seal("a.myshopify.com", "klaviyoKey", "pk_x");
        SecretBox rotated = new SecretBox(Map.of("k1", K1, "k2", K2), "k2");
        assertEquals("pk_x", rotated.open("a.myshopify.com", "klaviyoKey", old));
        assertFalse(rotated.isCurrent(old));
        assertTrue(rotated.seal("a.myshopify.com", "klaviyoKey", "pk_x").startsWith("gcm1:k2:"));
        SecretBox withoutOld = new SecretBox(Map.of("k2", K2), null);
        assertTrue(assertThrows(SecretBox.SealedSecretException.class,
                () -> withoutOld.open("a.myshopify.com", "klaviyoKey", old)).getMessage().contains("key k1"));
    }

    @Test
    void aMisconfiguredKeyNamesItsProperty() {
        assertTrue(assertThrows(IllegalStateException.class, () -> new SecretBox(Map.of(), null)).getMessage()
                .contains("shop-registry.data-keys"));
        assertTrue(assertThrows(IllegalStateException.class, () -> new SecretBox(Map.of("k1", "c2hvcnQ="), null))
                .getMessage().contains("shop-registry.data-keys.k1 must be 32 bytes"));
        assertTrue(assertThrows(IllegalStateException.class, () -> new SecretBox(Map.of("k1", K1, "k2", K2), null))
                .getMessage().contains("shop-registry.active-key"));
        assertTrue(assertThrows(IllegalStateException.class, () -> new SecretBox(Map.of("k1", K1), "k9"))
                .getMessage().contains("shop-registry.active-key k9"));
    }

    @Test
    void aRecordIsReadOnlyWhenItsShapeAndSecretsHold() {
        SecretBox box = new SecretBox(Map.of("k1", K1), null);
        String shop = "a.myshopify.com";
        ShopRecord good = new ShopRecord(shop, ShopRecord.Status.INSTALLED, "client", java.util.List.of("read_orders"),
                new ShopRecord.Credential(ShopRecord.Credential.Kind.EXPIRING, box.seal(shop, "accessToken", "shpat_1"),
                        OffsetDateTime.now().plusHours(1), box.seal(shop, "refreshToken", "shprt_1"),
                        OffsetDateTime.now().plusDays(90)), null, null, OffsetDateTime.now(), 1);
        byte[] bytes = EventJson.toBytes(good);
        assertFalse(new String(bytes, StandardCharsets.UTF_8).contains("shpat_1"));
        assertEquals(good, RegistryRecords.read(shop, bytes, box));
        // Under another shop's key: the token was sealed for a.myshopify.com, so it doesn't open as b's.
        String moved = new String(bytes, StandardCharsets.UTF_8).replace("\"a.myshopify.com\"", "\"b.myshopify.com\"");
        assertThrows(RuntimeException.class,
                () -> RegistryRecords.read("b.myshopify.com", moved.getBytes(StandardCharsets.UTF_8), box));
        assertThrows(IllegalArgumentException.class, () -> RegistryRecords.read("b.myshopify.com", bytes, box));
        ShopRecord uninstalledWithToken = new ShopRecord(shop, ShopRecord.Status.UNINSTALLED, null, null,
                good.credential(), null, null, OffsetDateTime.now(), 2);
        assertThrows(IllegalArgumentException.class,
                () -> RegistryRecords.read(shop, EventJson.toBytes(uninstalledWithToken), box));
        assertEquals(ShopRecord.Status.UNINSTALLED,
                RegistryRecords.read(shop, EventJson.toBytes(good.uninstalled(OffsetDateTime.now())), box).status());
    }
}
