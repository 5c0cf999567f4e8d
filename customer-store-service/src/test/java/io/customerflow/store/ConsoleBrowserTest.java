package io.customerflow.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.customerflow.events.BookingChannel;
import io.customerflow.events.BookingEvent;
import io.customerflow.events.CloudEvent;
import io.customerflow.events.EventKeys;
import io.customerflow.events.EventType;
import io.customerflow.events.Topics;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The console in a real browser (Debian's headless Chromium driven by Selenium), over a store filled by real events
 * through Kafka: sign-in, search, the chart's totals, Japanese, the CSV, a dead letter on the sync-health page, hostile
 * names shown as text, and a token of one shop refused another. Screenshots go to target/console-screenshots/.
 */
@QuarkusTest
class ConsoleBrowserTest extends StoreTestBase {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String SHOP = "console-shop.myshopify.com";
    static final String HOSTILE_FIRST = "<img src=x onerror=alert(1)>";
    static final String HOSTILE_LAST = "\"><script>window.pwned=1</script>";
    static final Path DOWNLOADS = Path.of("target", "console-downloads").toAbsolutePath();
    static final Path SHOTS = Path.of("target", "console-screenshots").toAbsolutePath();
    static final String LONG_ID = "console-broken-" + "0123456789".repeat(15);

    static WebDriver browser;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void browser() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && System.getenv("CI") != null) {
            throw new IllegalStateException("CI needs Debian's chromium and chromium-driver (.ci/run installs them)");
        }
        Assumptions.assumeTrue(present, "no /usr/bin/chromium + /usr/bin/chromedriver (apt-get install chromium"
                + " chromium-driver, as .ci/run does): the console's browser test is skipped");
        Files.createDirectories(DOWNLOADS);
        Files.createDirectories(SHOTS);
        try (var old = Files.list(DOWNLOADS)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=en-US",
                "--user-data-dir=" + Files.createTempDirectory("console-chromium"));
        options.setExperimentalOption("prefs", Map.of("download.default_directory", DOWNLOADS.toString(),
                "download.prompt_for_download", false, "intl.accept_languages", "en-US,en"));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .build(), options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    /** Events through Kafka, as ingest would publish them (RestAssured's port is set once the app is up). */
    static void storeFilledByEvents() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5);
        var ann = booking(SHOP, SHOP + "/9001/1", BookingChannel.CHECKOUT, "ann@example.com", "Ann", "Lee", 91L, 9001L, now);
        var ben = booking(SHOP, SHOP + "/9002/1", BookingChannel.CHECKOUT, "ben@example.com", "Ben", "Ode", 92L, 9002L, now);
        // Booked seconds apart, so the list's newest-first order is seen.
        var hanako = booking(SHOP, "ib_console_hanako", BookingChannel.INSTANT, "hanako@example.jp", "花子", "山田", null,
                null, now.minusSeconds(10));
        var hostile = booking(SHOP, "ib_console_hostile", BookingChannel.INSTANT, "hostile@example.com", HOSTILE_FIRST,
                HOSTILE_LAST, null, null, now.minusSeconds(20));
        var formula = booking(SHOP, "ib_console_formula", BookingChannel.INSTANT, "formula@example.com",
                "=HYPERLINK(\"http://evil.example\")", "+1", null, null, now.minusSeconds(30));
        List.of(ann, ben, hanako, hostile, formula).forEach(StoreTestBase::confirm);
        send(EventType.BOOKING_COMPLETED, ann.bookingId() + "/completed", EventKeys.bookingKey(ann), later(ann));
        send(EventType.BOOKING_NO_SHOW, hanako.bookingId() + "/no-show", EventKeys.bookingKey(hanako), later(hanako));
        send(EventType.BOOKING_CANCELLED, ben.bookingId() + "/cancelled", EventKeys.bookingKey(ben), later(ben));
        awaitCustomers(SHOP, p -> total(p) == 5);
        await().atMost(Duration.ofSeconds(30)).until(() -> api().get("/v1/reports/bookings?shop=" + SHOP + "&from="
                + now.toLocalDate() + "&to=" + now.toLocalDate()).then().extract().jsonPath()
                .getList("days.noShow", Integer.class).stream().mapToInt(Integer::intValue).sum() == 1);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorSignsInSearchesSeesTheChartInJapaneseDownloadsTheCsvAndADeadLetter() throws Exception {
        storeFilledByEvents();
        browser.get(url("/console/customers?shop=" + SHOP));
        assertTrue(browser.getCurrentUrl().endsWith("/console/sign-in"), "unauthenticated: " + browser.getCurrentUrl());
        signIn("not-the-token");
        assertEquals("Sign-in failed. Check the token and try again.", text(By.id("sign-in-error")));
        assertTrue(browser.getCurrentUrl().endsWith("/console/sign-in"));
        signIn("test-store-token");
        assertTrue(browser.getCurrentUrl().contains("/console/customers"), browser.getCurrentUrl());

        browser.get(url("/console/customers?shop=" + SHOP));
        assertEquals("5 customers", text(By.id("total")));
        // Newest booking first (who booked lately), then by name on request.
        List<String> lastBooked = browser.findElements(By.cssSelector("#customers tbody tr")).stream()
                .map(r -> r.findElements(By.cssSelector("time")).stream().findFirst()
                        .map(t -> t.getAttribute("datetime")).orElse("")).toList();
        List<String> newestFirst = new java.util.ArrayList<>(lastBooked);
        newestFirst.sort(java.util.Comparator.comparing(String::isEmpty).thenComparing(java.util.Comparator.reverseOrder()));
        assertEquals(newestFirst, lastBooked);
        assertTrue(lastBooked.stream().filter(t -> !t.isEmpty()).distinct().count() >= 2, "an order to check: " + lastBooked);
        clickAndWait(By.id("sort-name"));
        List<String> names = browser.findElements(By.cssSelector("#customers tbody tr")).stream()
                .map(r -> r.findElement(By.cssSelector(".last-name")).getText().toLowerCase(java.util.Locale.ROOT) + "\u0000"
                        + r.findElement(By.cssSelector(".first-name")).getText().toLowerCase(java.util.Locale.ROOT)).toList();
        assertEquals(names.stream().sorted().toList(), names, "by last name, then first name");
        assertEquals(5, names.size());
        assertFits("customers");
        shot("customers");
        browser.findElement(By.id("q")).sendKeys("ann@example.com");
        clickAndWait(By.id("search"));
        assertEquals(List.of("ann@example.com"), texts(By.cssSelector("#customers .customer-email")));
        clickAndWait(By.cssSelector("#customers .customer-name"));
        assertEquals("Ann Lee", text(By.id("customer-name")));
        assertEquals("Completed", browser.findElement(By.cssSelector("#bookings tbody td.status")).getText());
        assertEquals("COMPLETED", browser.findElement(By.cssSelector("#bookings tbody td.status")).getAttribute(
                "data-status"));
        String bookedAt = browser.findElement(By.cssSelector("#bookings tbody time")).getText();
        assertTrue(!bookedAt.contains("T") && !bookedAt.matches(".*\\d\\.\\d.*") && bookedAt.matches(".*\\d:\\d\\d:\\d\\d.*"),
                "a time in the browser's locale, to the second: " + bookedAt);

        // Hostile names are text: escaped in the page, no element or script of theirs, no alert.
        browser.get(url("/console/customers?shop=" + SHOP + "&q=hostile@example.com"));
        String shown = text(By.cssSelector("#customers .customer-name"));
        assertEquals(HOSTILE_FIRST + " " + HOSTILE_LAST, shown);
        assertTrue(browser.findElements(By.cssSelector("#customers img")).isEmpty(), "no injected <img>");
        assertTrue(browser.findElements(By.cssSelector("main script")).isEmpty(), "no injected <script>");
        assertEquals(null, ((JavascriptExecutor) browser).executeScript("return window.pwned;"));
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert());
        clickAndWait(By.cssSelector("#customers .customer-name"));
        assertEquals(HOSTILE_FIRST + " " + HOSTILE_LAST, text(By.id("customer-name")));
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert());

        // The chart, drawn by Chart.js from the store's report: its totals are the events sent.
        browser.get(url("/console/bookings?shop=" + SHOP));
        await().atMost(Duration.ofSeconds(10)).until(() -> script("return typeof Chart !== 'undefined'"
                + " && Chart.getChart('bookings-chart') !== undefined"));
        @SuppressWarnings("unchecked")
        List<Long> sums = (List<Long>) ((JavascriptExecutor) browser).executeScript("return Chart.getChart("
                + "'bookings-chart').data.datasets.map(d => d.data.reduce((a, b) => a + b, 0));");
        assertEquals(List.of(2L, 3L, 1L, 1L, 1L), sums, "checkout, instant, cancelled, completed, no-show");
        // The channels' bars stack: on every day, the top of the instant bar is the day's total, not its own count.
        @SuppressWarnings("unchecked")
        List<Object> stacking = (List<Object>) ((JavascriptExecutor) browser).executeScript("var c = Chart.getChart("
                + "'bookings-chart'), ck = c.data.datasets[0].data, ins = c.data.datasets[1].data, both = 0;"
                + " for (var i = 0; i < ck.length; i++) { if (ck[i] > 0 && ins[i] > 0) { both++; }"
                + " var top = c.getDatasetMeta(1).data[i].y, want = c.scales.y.getPixelForValue(ck[i] + ins[i]);"
                + " if (Math.abs(top - want) > 0.5) { return ['day ' + i, top, want]; } } return ['stacked', both];");
        assertEquals("stacked", stacking.get(0), "bar tops: " + stacking);
        assertTrue(((Number) stacking.get(1)).longValue() >= 1, "a day with bookings of both channels was drawn");
        assertEquals("2", text(By.cssSelector("#totals tr[data-channel=CHECKOUT] .bookings")));
        assertEquals("3", text(By.cssSelector("#totals tr[data-channel=INSTANT] .bookings")));
        assertFits("bookings");
        shot("bookings");

        // Japanese: labels, the chart's legend, the html lang.
        clickAndWait(By.id("lang-ja"));
        assertEquals("ja", browser.findElement(By.tagName("html")).getAttribute("lang"));
        assertEquals("日別の予約 · " + SHOP, text(By.tagName("h1")));
        assertEquals("顧客", browser.findElement(By.cssSelector("header nav a")).getText());
        await().atMost(Duration.ofSeconds(10)).until(() -> script("return Chart.getChart('bookings-chart') !== undefined"));
        assertEquals("来店済み", ((JavascriptExecutor) browser).executeScript(
                "return Chart.getChart('bookings-chart').data.datasets[3].label;"));
        assertFits("bookings (ja)");
        shot("bookings-ja");
        browser.get(url("/console/customers?shop=" + SHOP + "&q=hanako@example.jp"));
        assertEquals("顧客 1 件", text(By.id("total")), "the language is remembered");
        assertEquals("花子 山田", text(By.cssSelector("#customers .customer-name")));
        String jaLastBooked = text(By.cssSelector("#customers time"));
        assertTrue(jaLastBooked.matches("\\d{4}/\\d{1,2}/\\d{1,2} \\d{1,2}:\\d\\d:\\d\\d"), "Japanese date and time: " + jaLastBooked);
        clickAndWait(By.cssSelector("#customers .customer-name"));
        for (WebElement status : browser.findElements(By.cssSelector("#bookings td.status"))) {
            assertFalse(status.getText().matches(".*[A-Za-z].*"), "a Japanese status, not " + status.getText());
        }
        for (WebElement cell : browser.findElements(By.cssSelector("#bookings tbody td:nth-child(2)"))) {
            assertFalse(cell.getText().matches(".*[A-Za-z].*"), "a Japanese channel, not " + cell.getText());
        }
        browser.get(url("/console/customers?shop=" + SHOP + "&q=hanako@example.jp"));
        assertFits("customers (ja)");
        shot("customers-ja");
        browser.get(url("/console/customers?shop=" + SHOP + "&lang=en"));

        // The CSV, as the browser downloads it.
        browser.findElement(By.id("csv")).click();
        Path csv = DOWNLOADS.resolve("booked-customers.csv");
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(csv) && Files.size(csv) > 0);
        byte[] bytes = Files.readAllBytes(csv);
        assertEquals(List.of((byte) 0xEF, (byte) 0xBB, (byte) 0xBF), List.of(bytes[0], bytes[1], bytes[2]),
                "a UTF-8 byte-order mark, so Excel reads CJK names right");
        List<String> lines = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8).lines().toList();
        assertEquals("email,first_name,last_name,shopify_customer_id,checkout_bookings,instant_bookings,"
                + "first_booked_at,last_booked_at", lines.get(0));
        assertEquals(5, lines.size(), "header and the 4 customers whose booking is not cancelled: " + lines);
        String formulaLine = lines.stream().filter(l -> l.startsWith("formula@")).findFirst().orElseThrow();
        assertTrue(formulaLine.startsWith("formula@example.com,\"'=HYPERLINK(\"\"http://evil.example\"\")\",\"'+1\","),
                "formula-like values neutralized: " + formulaLine);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("hostile@example.com,<img src=x onerror=alert(1)>,")),
                "kept as text: " + lines);
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("ben@")), "Ben's only booking is cancelled");

        // The CSV of a filtered list holds what the list shows, not the whole shop.
        Files.delete(csv);
        browser.get(url("/console/customers?shop=" + SHOP + "&q=hanako@example.jp"));
        assertEquals("1 customer", text(By.id("total")), "English says one customer, not '1 customers'");
        browser.findElement(By.id("csv")).click();
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(csv) && Files.size(csv) > 0);
        byte[] filtered = Files.readAllBytes(csv);
        List<String> hanako = new String(filtered, 3, filtered.length - 3, StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, hanako.size(), "the header and the one customer the page lists: " + hanako);
        assertTrue(hanako.get(1).startsWith("hanako@example.jp,花子,山田,"), hanako.get(1));

        // A shop the token may not read, a customer that isn't there: console pages in the chosen language, not JSON.
        browser.get(url("/console/customers?shop=not-a-shop"));
        assertEquals("This token may not read that shop.", text(By.id("message")));
        assertEquals("403", browser.findElement(By.id("message")).getAttribute("data-status"));
        browser.get(url("/console/customers/999999999?shop=" + SHOP + "&lang=ja"));
        assertEquals("見つかりません: このショップにそのページや顧客はありません。", text(By.id("message")));
        assertEquals("ja", browser.findElement(By.tagName("html")).getAttribute("lang"));
        browser.get(url("/console/customers?shop=" + SHOP + "&lang=en"));

        // A broken record reaches the dead-letter topic and shows on the sync-health page, without its payload.
        kafka.send(Topics.CUSTOMER_EVENTS, SHOP + "/broken@example.com", new CloudEvent("console-broken-1",
                EventType.BOOKING_CONFIRMED, "/test", null, OffsetDateTime.now()).toHeaders(),
                "{\"bookingId\": \"not a booking, broken@example.com\"".getBytes(StandardCharsets.UTF_8));
        // And one whose event id is 165 characters without a space: the page still fits 1280 px.
        kafka.send(Topics.CUSTOMER_EVENTS, SHOP + "/broken", new CloudEvent(LONG_ID, EventType.BOOKING_CONFIRMED,
                "/test", null, OffsetDateTime.now()).toHeaders(), "not json".getBytes(StandardCharsets.UTF_8));
        browser.get(url("/console/health?shop=" + SHOP));
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            browser.navigate().refresh();
            return texts(By.cssSelector("#consumer-customer-store .event-id")).contains("console-broken-1")
                    && texts(By.cssSelector("#consumer-customer-store .event-id")).contains(LONG_ID);
        });
        String health = browser.findElement(By.id("consumer-customer-store")).getText();
        assertTrue(health.contains("io.customerflow.booking.confirmed.v1"), health);
        assertFalse(health.contains("broken@example.com"), "no payload or key on the page: " + health);
        assertTrue(health.contains("./customer-flow replay customer-store"), health);
        assertTrue(browser.findElements(By.cssSelector("#consumer-customer-store .lag-value")).size() >= 1);
        // Its reason: the word, explained in the operator's language (the failure's own text stays as written).
        assertEquals("invalid_event Not an event of the contract: unreadable, of an unknown type, or refused by its schema",
                text(By.cssSelector("#consumer-customer-store .reason-word[data-word='invalid_event']")));
        assertFits("health");
        shot("health");
        browser.get(url("/console/health?shop=" + SHOP + "&lang=ja"));
        assertEquals("invalid_event 契約外のイベント: 読めない、未知の種類、またはスキーマに拒否された",
                text(By.cssSelector("#consumer-customer-store .reason-word[data-word='invalid_event']")));
        assertFits("health (ja)");
        shot("health-ja");
        browser.get(url("/console/health?shop=" + SHOP + "&lang=en"));

        // The shop's Flow triggers: which its workflows use (the registry's use topic), sent and failed in 24 h (marks).
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
        String use = "test.store.flow-triggers.v1";
        kafka.send(use, "not a shop/booking-completed", null, "{\"enabled\": true}".getBytes(StandardCharsets.UTF_8));
        kafka.send(use, SHOP + "/booking-completed", null, ("{\"enabled\": true, \"at\": \"" + at + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        kafka.send(use, SHOP + "/booking-no-show", null, ("{\"enabled\": false, \"at\": \"" + at + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        kafka.send(use, SHOP + "/booking-cancelled", null, ("{\"enabled\": true, \"at\": \"" + at + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        kafka.send(use, SHOP + "/booking-cancelled", null, null); // forgotten (an uninstall)
        String marks = "test.store.flow-triggers-sent.v1";
        for (String[] m : new String[][] { { "e1", SHOP, "sent" }, { "e2", SHOP, "sent" }, { "e3", SHOP, "failed" },
                { "e4", "tokyo-spa.myshopify.com", "sent" } }) {
            kafka.send(marks, m[0], null, ("{\"shop\": \"" + m[1] + "\", \"trigger\": \"booking-completed\", "
                    + "\"outcome\": \"" + m[2] + "\", \"at\": \"" + at + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        kafka.send(marks, "e5", null, "not json".getBytes(StandardCharsets.UTF_8));
        browser.get(url("/console/flow?shop=" + SHOP));
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            browser.navigate().refresh();
            return List.of("Yes", "2", "1").equals(texts(By.cssSelector("tr[data-handle='booking-completed'] td.used,"
                    + " tr[data-handle='booking-completed'] td.sent, tr[data-handle='booking-completed'] td.failed")));
        });
        assertEquals("No", text(By.cssSelector("tr[data-handle='booking-no-show'] td.used")));
        assertEquals("Not reported", text(By.cssSelector("tr[data-handle='booking-confirmed'] td.used")));
        assertEquals("Not reported", text(By.cssSelector("tr[data-handle='booking-cancelled'] td.used")));
        assertEquals("0", text(By.cssSelector("tr[data-handle='booking-confirmed'] td.sent")));
        assertFits("flow");
        shot("flow");
        browser.get(url("/console/flow?shop=" + SHOP + "&lang=ja"));
        assertEquals("はい", text(By.cssSelector("tr[data-handle='booking-completed'] td.used")));
        assertEquals("報告なし", text(By.cssSelector("tr[data-handle='booking-confirmed'] td.used")));
        browser.get(url("/console/flow?shop=" + SHOP + "&lang=en"));

        // Sign out; a token of one shop (tokyo-spa) gets 403 for this one.
        clickAndWait(By.id("sign-out"));
        assertTrue(browser.getCurrentUrl().endsWith("/console/sign-in"));
        browser.get(url("/console/customers?shop=" + SHOP));
        assertTrue(browser.getCurrentUrl().endsWith("/console/sign-in"), "signed out: the session cookie is gone");
        signIn("tokyo-store-token");
        browser.get(url("/console/customers?shop=" + SHOP));
        assertEquals("This token may not read that shop.", text(By.id("message")), "a console page, not JSON");
        assertTrue(browser.findElements(By.cssSelector("#customers")).isEmpty(), "nothing of the shop shown");
        browser.get(url("/console/customers?shop=tokyo-spa.myshopify.com"));
        assertTrue(browser.findElements(By.cssSelector("#customers .customer-email")).stream()
                .noneMatch(e -> e.getText().endsWith("@example.com") && e.getText().startsWith("ann")));
    }

    /**
     * The Shops pages over 10,000 registered shops: search, filter by state and paging (each page's time printed, not
     * asserted: figures belong in benchmarks); a shop's health as the services reported it, in English and Japanese;
     * its settings without a secret; a backfill and a subscription check requested with the form's CSRF token, put on
     * the commands topic with who asked, and listed on the audit page.
     */
    @Test
    void anOperatorFindsAShopAmongTenThousandSeesItsHealthAndAsksForABackfill() throws Exception {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Map.Entry<String, byte[]>> shops = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String shop = String.format("fleet-%05d.myshopify.com", i);
            String status = i % 100 == 7 ? "needs-reauth" : i % 100 == 8 ? "uninstalled" : "installed";
            shops.add(Map.entry(shop, registryRecord(shop, status, now).getBytes(StandardCharsets.UTF_8)));
        }
        String sick = "fleet-04242.myshopify.com";
        kafka.sendAll("test.store.shops.v1", shops);
        kafka.send("test.store.shops.v1", "not a shop", null, "{}".getBytes(StandardCharsets.UTF_8));
        String health = "test.store.shops.health.v1";
        kafka.send(health, sick + "/subscriptions", null, report("repaired", now, ", \"figures\": {\"created\": 2, \"updated\": 1}"));
        kafka.send(health, sick + "/klaviyo", null, report("revoked", now, ""));
        kafka.send(health, sick + "/webhooks", null, report("received", now.minusDays(2), ""));
        kafka.send(health, sick + "/token", null, report("exploded", now, "")); // not a state: skipped
        kafka.send(health, sick + "/secrets", null, report("ok", now, "")); // not an aspect: skipped
        kafka.send(health, "fleet-00001.myshopify.com/webhooks", null, report("received", now, ""));
        kafka.send("test.store.reconcile-state.v1", "backfill/fleet-00001.myshopify.com", null, ("{\"shop\":"
                + " \"fleet-00001.myshopify.com\", \"kind\": \"BACKFILL\", \"status\": \"RUNNING\", \"since\": \""
                + now.minusDays(30) + "\", \"ordersTotal\": 200, \"ordersScanned\": 50, \"bookingsFound\": 7,"
                + " \"startedAt\": \"" + now + "\", \"savedAt\": \"" + now + "\", \"bulk\": {\"operation\": null,"
                + " \"offset\": 0, \"attempts\": 3, \"paging\": true, \"fallback\": \"bulk_failed\"}}")
                .getBytes(StandardCharsets.UTF_8));

        signIn("test-store-token");
        browser.get(url("/console/shops"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            browser.navigate().refresh();
            return browser.findElement(By.id("shops-total")).getAttribute("data-total").equals("10000");
        });
        assertEquals("Page 1 of 200", text(By.id("page-of")));
        assertEquals(50, browser.findElements(By.cssSelector("table.shops tbody tr")).size());
        assertFits("shops");
        long started = System.nanoTime();
        clickAndWait(By.id("next"));
        System.out.printf("console shops: next page of 10,000 shops in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertEquals("fleet-00050.myshopify.com", browser.findElement(By.cssSelector("table.shops tbody tr"))
                .getAttribute("data-shop"));

        // Filter by state: one shop in a hundred needs re-authorisation.
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("state"))).selectByValue("needs-reauth");
        started = System.nanoTime();
        clickAndWait(By.id("filter"));
        System.out.printf("console shops: filtered by state in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertEquals("100", browser.findElement(By.id("shops-total")).getAttribute("data-total"));
        assertTrue(browser.findElements(By.cssSelector("table.shops tbody tr")).stream()
                .allMatch(r -> "needs-reauth".equals(r.getAttribute("data-state"))));
        // The same counts as metrics, by state and problem: never one series per shop.
        await().atMost(Duration.ofSeconds(15)).until(() -> io.restassured.RestAssured.given().accept("text/plain").get("/q/metrics").asString()
                .lines().anyMatch(l -> l.startsWith("store_shops{state=\"needs-reauth\"") && l.endsWith(" 100.0")));
        String metrics = io.restassured.RestAssured.given().accept("text/plain").get("/q/metrics").asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("store_shops_problems{problem=\"klaviyo_revoked\"")
                && !l.endsWith(" 0.0")), "the revoked key counted");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("store_shops_health{aspect=\"subscriptions\",state=\"repaired\"")
                && !l.endsWith(" 0.0")), "the repaired subscriptions counted");
        assertFalse(metrics.contains("fleet-"), "no shop in a metric");

        // Search: the sick shop needs attention, for its revoked Klaviyo key and its silence.
        browser.get(url("/console/shops"));
        browser.findElement(By.id("q")).sendKeys("04242");
        started = System.nanoTime();
        clickAndWait(By.id("filter"));
        System.out.printf("console shops: searched in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        WebElement row = browser.findElement(By.cssSelector("table.shops tbody tr"));
        assertEquals(sick, row.getAttribute("data-shop"));
        assertEquals("attention", row.getAttribute("data-state"));
        assertEquals(List.of("klaviyo_revoked", "webhooks_quiet"), row.findElements(By.cssSelector("[data-problem]"))
                .stream().map(e -> e.getAttribute("data-problem")).toList());
        assertEquals("Klaviyo refused the key", row.findElement(By.cssSelector("[data-problem='klaviyo_revoked']"))
                .getText());

        // The shop's page: each aspect as reported, the hostile records skipped, no secret anywhere.
        clickAndWait(By.linkText(sick));
        assertEquals("repaired", browser.findElement(By.cssSelector("tr[data-aspect='subscriptions']"))
                .getAttribute("data-state"));
        assertTrue(text(By.cssSelector("tr[data-aspect='subscriptions']")).contains("2 created, 1 corrected"));
        assertEquals("revoked", browser.findElement(By.cssSelector("tr[data-aspect='klaviyo']")).getAttribute("data-state"));
        assertEquals("", browser.findElement(By.cssSelector("tr[data-aspect='token']")).getAttribute("data-state"));
        assertEquals("0", text(By.id("bookings-24h")));
        assertFalse(browser.getPageSource().contains("sealed-"), "a sealed secret is never shown");
        assertFits("shop");
        shot("shop");
        browser.get(url("/console/shops/" + sick + "?lang=ja"));
        assertEquals("要対応", text(By.id("shop-state")));
        assertEquals("無効", text(By.cssSelector("tr[data-aspect='klaviyo'] td.state")));
        assertFalse(text(By.id("health")).matches("(?s).*\\b(Repaired|Revoked|Received|Needs attention)\\b.*"),
                "no English state word on a Japanese page");
        browser.get(url("/console/shops/fleet-00001.myshopify.com?lang=en"));
        assertEquals("running", browser.findElement(By.id("backfill")).getAttribute("data-status"));
        assertTrue(text(By.id("backfill")).contains("50 of 200 orders read, 7 bookings found"));
        // Three bulk operations failed, so it pages: the operator sees why it is slower than one bulk read.
        assertEquals("pages", browser.findElement(By.id("backfill-read-by")).getAttribute("data-read-by"));
        assertEquals("read page by page (bulk_failed)", text(By.id("backfill-read-by")));

        // A backfill and a subscription check, asked with the form's CSRF token: on the topic, then on the audit page.
        try (var commands = kafka.tail("test.store.shops.commands.v1")) {
            browser.get(url("/console/shops/" + sick));
            String since = now.toLocalDate().minusDays(30).toString();
            ((JavascriptExecutor) browser).executeScript("document.getElementById('since').value = arguments[0]", since);
            clickAndWait(By.id("start-backfill"));
            assertEquals("Backfill requested: its progress shows here within seconds.", text(By.id("notice")));
            clickAndWait(By.id("check-subscriptions"));
            assertEquals("Subscription check requested: the result shows here within seconds.", text(By.id("notice")));
            var sent = commands.await(2, Duration.ofSeconds(20)).stream()
                    .map(r -> io.customerflow.events.ShopCommand.read(r.value())).toList();
            assertEquals(List.of("backfill", "check-subscriptions"), sent.stream().map(c -> c.action()).toList());
            assertTrue(sent.stream().allMatch(c -> c.shop().equals(sick) && c.by().equals("ops")));
            assertEquals(since + "T00:00Z", sent.get(0).since().toString());
        }
        browser.get(url("/console/audit"));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            browser.navigate().refresh();
            return browser.findElements(By.cssSelector("#audit tbody tr")).size() >= 2;
        });
        List<WebElement> audit = browser.findElements(By.cssSelector("#audit tbody tr"));
        assertEquals("check-subscriptions", audit.get(0).getAttribute("data-action"), "newest first");
        assertEquals("ops", audit.get(0).findElement(By.cssSelector(".who")).getText());
        assertTrue(audit.get(1).findElement(By.cssSelector(".what")).getText().startsWith("Backfill"));
        assertFits("audit");
    }

    private static String registryRecord(String shop, String status, OffsetDateTime now) {
        String credential = status.equals("installed") ? ", \"credential\": {\"kind\": \"expiring\", \"accessToken\":"
                + " \"sealed-access\", \"accessTokenExpiresAt\": \"" + now.plusMinutes(50) + "\", \"refreshToken\":"
                + " \"sealed-refresh\", \"refreshTokenExpiresAt\": \"" + now.plusDays(80) + "\"}, \"klaviyoKey\":"
                + " \"sealed-klaviyo\"" : "";
        return "{\"shop\": \"" + shop + "\", \"status\": \"" + status + "\", \"clientId\": \"app-1\", \"scopes\":"
                + " [\"read_orders\", \"write_customers\"]" + credential + ", \"settings\": {\"reconcile\": true,"
                + " \"createInstantCustomers\": false, \"tagNames\": {}}, \"updatedAt\": \"" + now + "\", \"version\": 1,"
                + " \"installedAt\": \"" + now.minusDays(3) + "\"}";
    }

    private static byte[] report(String state, OffsetDateTime at, String more) {
        return ("{\"state\": \"" + state + "\", \"at\": \"" + at + "\"" + more + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** Submits the sign-in form and waits for the next page (the form again, or a console page). */
    private void signIn(String token) {
        browser.get(url("/console/sign-in"));
        WebElement form = browser.findElement(By.id("token"));
        form.sendKeys(token);
        browser.findElement(By.id("sign-in")).click();
        awaitGone(form);
    }

    /** Clicks a link or button that loads a page, and waits until the old page is gone. */
    private static void clickAndWait(By by) {
        WebElement element = browser.findElement(by);
        element.click();
        awaitGone(element);
    }

    /**
     * Waits until the element's page was replaced. Chromium reports a node of a page being replaced either as stale or,
     * mid-navigation, as "does not belong to the document" (an unknown error to Selenium): both mean it is gone.
     */
    private static void awaitGone(WebElement element) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> {
            try {
                element.isEnabled();
                return false;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return true;
            } catch (org.openqa.selenium.WebDriverException e) {
                if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        });
    }

    private String url(String path) {
        return base.toString().replaceAll("/$", "") + path;
    }

    private static String text(By by) {
        return browser.findElement(by).getText();
    }

    private static List<String> texts(By by) {
        return browser.findElements(by).stream().map(WebElement::getText).toList();
    }

    private static boolean script(String js) {
        return Boolean.TRUE.equals(((JavascriptExecutor) browser).executeScript(js));
    }

    /** The page fits the 1280-px window: nothing scrolls sideways. */
    private static void assertFits(String page) {
        assertTrue(script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
                page + " is wider than the window: " + ((JavascriptExecutor) browser).executeScript(
                        "return document.documentElement.scrollWidth"));
    }

    /**
     * A screenshot in target/console-screenshots; with {@code -Dconsole.update-screenshots=true} also the README's
     * copy in docs/screenshots (how they are refreshed: customer-store-service/README.md).
     */
    private static void shot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
        if (Boolean.getBoolean("console.update-screenshots")) {
            Path docs = Path.of("..", "docs", "screenshots");
            Files.createDirectories(docs);
            Files.write(docs.resolve("console-" + name + ".png"), png);
        }
    }

    private static BookingEvent later(BookingEvent b) {
        return new BookingEvent(b.bookingId(), b.channel(), b.shop(), b.customer(), b.order(), null, null, null,
                List.of(), b.occurredAt().plusMinutes(1));
    }
}
