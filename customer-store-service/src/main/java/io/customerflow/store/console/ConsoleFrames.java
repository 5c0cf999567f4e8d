package io.customerflow.store.console;

import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ForbiddenException;

import io.customerflow.events.ShopDomains;
import io.customerflow.store.repository.ConsoleQueries;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/** The frame of a page: which shop it shows (one the operator may read) and the operator's other shops. */
@ApplicationScoped
public class ConsoleFrames {

    private final ConsoleQueries queries;

    public ConsoleFrames(ConsoleQueries queries) {
        this.queries = queries;
    }

    /**
     * The frame for {@code page} showing {@code shop} (or the operator's first shop when none is asked for); null
     * shop in the frame when the operator has no shop with data yet.
     *
     * @throws ForbiddenException when the shop asked for is not one the operator's token reads
     */
    public Uni<Frame> of(ConsoleFilter.Caller caller, String page, String shop) {
        var client = caller.session().client();
        if (shop != null && !shop.isBlank() && (!ShopDomains.isValid(shop) || !client.mayRead(shop))) {
            throw new ForbiddenException("this token may not read that shop");
        }
        Uni<List<String>> shops = client.shops().contains("*") ? queries.shops()
                : Uni.createFrom().item(client.shops().stream().sorted().toList());
        return shops.map(list -> {
            String shown = shop != null && !shop.isBlank() ? shop : list.isEmpty() ? null : list.get(0);
            List<String> choices = shown == null || list.contains(shown) ? list
                    : java.util.stream.Stream.concat(list.stream(), java.util.stream.Stream.of(shown)).sorted().toList();
            return new Frame(page, shown, choices, caller.session().csrf(), client.name(), lang(caller.locale()));
        });
    }

    /** The page in the operator's language. */
    public static TemplateInstance localized(TemplateInstance page, Locale locale) {
        return page.setLocale(locale);
    }

    static String lang(Locale locale) {
        return ConsoleLocales.tag(locale);
    }
}
