package io.customerflow.klaviyo.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.customerflow.consumer.DeadLetterReason;
import io.customerflow.klaviyo.client.KlaviyoFailure;
import io.customerflow.klaviyo.config.KlaviyoConfig;
import io.customerflow.registry.RegisteredShops;
import io.customerflow.registry.ShopRecord;

/**
 * Which Klaviyo account a shop's bookings go to. The shop registry ({@code shops.v1}, followed live) decides: a shop's
 * own Klaviyo key there wins; an uninstalled shop gets nothing. {@code klaviyo.accounts.*} is the static seed (the
 * local run, tests) for shops without a key in the registry.
 *
 * <p>Klaviyo's limits are per key, so an account is a key: shops of the registry that share a key share one account
 * (one pacer, one partition of the work topic). A registry account is named {@code key-} and the first 16 hex digits of
 * the key's SHA-256, which names it on the work and pacing topics and in logs without revealing it; a key that a
 * {@code klaviyo.accounts} entry also holds keeps that entry's name, so it is still paced once.
 */
@io.quarkus.runtime.Startup // the registry is read whole at start, never on an event's thread
@ApplicationScoped
public class KlaviyoAccounts {

    /** One Klaviyo account as the planner uses it; {@code config} only for an account of {@code klaviyo.accounts}. */
    public record Account(String name, String apiKey, Optional<KlaviyoConfig.Account> config) {
        @Override
        public String toString() {
            return "Account[" + name + "]"; // never the key
        }
    }

    private final KlaviyoConfig config;
    private final RegisteredShops registry;
    private final Map<String, Account> seededByShop;
    private final Map<String, Opened> opened = new java.util.concurrent.ConcurrentHashMap<>();

    public KlaviyoAccounts(KlaviyoConfig config, RegisteredShops registry) {
        this.config = config;
        this.registry = registry;
        this.seededByShop = config.accounts().entrySet().stream()
                .flatMap(a -> a.getValue().shops().stream().map(shop -> Map.entry(shop,
                        new Account(a.getKey(), a.getValue().apiKey(), Optional.of(a.getValue())))))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * The shop's account; empty when the registry has the shop without a Klaviyo key (it did not connect Klaviyo:
     * nothing to send, nothing to dead-letter).
     *
     * @throws KlaviyoFailure {@code uninstalled} for a shop the registry says is uninstalled, {@code no_credentials}
     *         for a shop neither the registry nor {@code klaviyo.accounts} knows
     */
    public Optional<Account> forShop(String shop) {
        Optional<ShopRecord> record = registry.find(shop);
        if (record.isPresent() && record.get().status() == ShopRecord.Status.UNINSTALLED) {
            throw new KlaviyoFailure(DeadLetterReason.UNINSTALLED, "the app was uninstalled from " + shop, 0);
        }
        Optional<Account> own = record.flatMap(this::registered);
        if (own.isPresent()) {
            return own;
        }
        Account seeded = seededByShop.get(shop);
        if (seeded != null) {
            return Optional.of(seeded);
        }
        if (record.isPresent()) {
            return Optional.empty();
        }
        throw new KlaviyoFailure(DeadLetterReason.NO_CREDENTIALS, "no Klaviyo account for shop " + shop
                + " in the shop registry or klaviyo.accounts", 0);
    }

    /** Every account known now, by name: those of {@code klaviyo.accounts} and each key of the registry. */
    public Map<String, Account> all() {
        Map<String, Account> all = new java.util.HashMap<>();
        seededByShop.values().forEach(a -> all.put(a.name(), a));
        for (ShopRecord r : registry.all()) {
            registered(r).ifPresent(a -> all.put(a.name(), a));
        }
        return all;
    }

    /**
     * Every account known now with the shops it serves: each shop of the registry not uninstalled and each shop of
     * {@code klaviyo.accounts}, by the account {@link #forShop} gives it.
     */
    public Map<Account, Set<String>> shopsByAccount() {
        Set<String> shops = new TreeSet<>(seededByShop.keySet());
        registry.all().stream().filter(r -> r.status() != ShopRecord.Status.UNINSTALLED).map(ShopRecord::shop)
                .forEach(shops::add);
        Map<String, Account> byName = new java.util.HashMap<>();
        Map<Account, Set<String>> out = new java.util.LinkedHashMap<>();
        for (String shop : shops) {
            try {
                forShop(shop).ifPresent(a -> out.computeIfAbsent(byName.computeIfAbsent(a.name(), n -> a),
                        k -> new TreeSet<>()).add(shop));
            } catch (KlaviyoFailure e) {
                // uninstalled meanwhile: nothing to check
            }
        }
        return out;
    }

    /** The account of the registry record's own key, opened once per version of the record. */
    private Optional<Account> registered(ShopRecord record) {
        if (record.klaviyoKey() == null || record.status() == ShopRecord.Status.UNINSTALLED) {
            return Optional.empty();
        }
        Opened o = opened.compute(record.shop(), (shop, old) -> old != null && old.version() == record.version() ? old
                : new Opened(record.version(), registry.klaviyoKey(shop).map(this::account)));
        return o.account();
    }

    private record Opened(long version, Optional<Account> account) {
    }

    /** The account of that name, if it is known now. */
    public Optional<Account> named(String name) {
        return Optional.ofNullable(all().get(name));
    }

    /** Names of every account, sorted (for logs). */
    public Set<String> names() {
        return new TreeSet<>(all().keySet());
    }

    private Account account(String apiKey) {
        for (Map.Entry<String, KlaviyoConfig.Account> a : config.accounts().entrySet()) {
            if (a.getValue().apiKey().equals(apiKey)) {
                return new Account(a.getKey(), apiKey, Optional.of(a.getValue()));
            }
        }
        return new Account(nameOf(apiKey), apiKey, Optional.empty());
    }

    /** {@code key-} and 16 hex digits of the key's SHA-256: stable across replicas, never the key. */
    static String nameOf(String apiKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
            return "key-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
