package io.customerflow.ingest;

/** {@link InstallProfile} with the installed shops' webhook subscriptions kept every 3 s. */
public class SubscriptionsProfile extends InstallProfile {

    @Override
    boolean keepsSubscriptions() {
        return true;
    }
}
