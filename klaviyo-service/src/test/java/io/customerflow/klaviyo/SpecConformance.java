package io.customerflow.klaviyo;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * Validates every request body the service sends to the Klaviyo stand-in against Klaviyo's OpenAPI slice for its
 * path, as the request is served (so requests landing between tests are checked too). Tests assert none failed.
 */
public class SpecConformance implements ServeEventListener {

    private static final Map<String, String> SCHEMA_BY_PATH = Map.of(
            KlaviyoTestBase.EVENTS, KlaviyoSpec.CREATE_EVENT,
            KlaviyoTestBase.BULK, KlaviyoSpec.BULK_CREATE_EVENTS,
            KlaviyoTestBase.DELETIONS, KlaviyoSpec.PROFILE_DELETION);

    static final List<String> FAILURES = new CopyOnWriteArrayList<>();

    @Override
    public void afterComplete(ServeEvent event, Parameters parameters) {
        String path = event.getRequest().getUrl();
        if (path.equals(KlaviyoTestBase.ACCOUNTS) && event.getRequest().getMethod().getName().equals("GET")) {
            // The key check: no body; a private key and the revision, as every call.
            if (!event.getRequest().getHeader("Authorization").startsWith("Klaviyo-API-Key ")
                    || !event.getRequest().containsHeader("revision")) {
                FAILURES.add("GET " + path + " without a private key or a revision");
            }
            return;
        }
        String schema = SCHEMA_BY_PATH.get(path);
        if (schema == null) {
            FAILURES.add(event.getRequest().getMethod() + " " + path + ": not an operation this service may call");
            return;
        }
        Set<String> errors = KlaviyoSpec.errors(schema, event.getRequest().getBodyAsString());
        if (!errors.isEmpty()) {
            FAILURES.add(path + ": " + errors + " in " + event.getRequest().getBodyAsString());
        }
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }

    @Override
    public String getName() {
        return "klaviyo-spec-conformance";
    }
}
