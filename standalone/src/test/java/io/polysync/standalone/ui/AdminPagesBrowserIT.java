package io.polysync.standalone.ui;

import io.polysync.standalone.PolysyncClient;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The sign-in page and the admin pages (contention profiles, vaults, users, API tokens) in a real browser. */
class AdminPagesBrowserIT {

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aWrongPasswordIsRefusedAndTheRightOneSignsIn() {
        try (Browser browser = Browser.open()) {
            browser.get("/profiles");
            assertThat(browser.path()).startsWith("/login");
            browser.submitLogin("admin", "not-the-password");
            assertThat(browser.waitFor(By.cssSelector("[data-testid=login-error]")).getText())
                    .contains("Wrong username or password");
            assertThat(browser.find(By.id("password")).getAttribute("value")).isEmpty();
            browser.screenshot("login-wrong-password");

            browser.submitLogin("admin", UiTestApp.adminPassword());
            assertThat(browser.waitFor(By.cssSelector("[data-testid=signed-in-user]")).getText()).contains("admin");
            assertThat(browser.path()).as("back to the page first asked for").startsWith("/profiles");
            assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo("Contention profiles");
            browser.screenshot("signed-in-profiles");

            browser.signOut();
            browser.get("/profiles");
            assertThat(browser.path()).startsWith("/login");
        }
    }

    @Test
    void aProfileIsCreatedAfterAValidationErrorShownAtItsField() {
        String name = unique("ui-profile");
        try (Browser browser = Browser.open()) {
            browser.signIn("admin", UiTestApp.adminPassword(), "/profiles");
            browser.find(By.id("new-profile")).click();
            browser.type(By.id("name"), name);
            browser.type(By.id("maxConcurrent"), "0");
            browser.type(By.id("ratePer"), "PT1M");
            browser.find(By.id("save")).click();

            WebElement max = browser.waitFor(By.cssSelector("#maxConcurrent.is-invalid"));
            assertThat(max.findElement(By.xpath("following-sibling::div[contains(@class,'invalid-feedback')]"))
                    .getText()).contains("must be 1 or more");
            assertThat(browser.find(By.cssSelector("#rateRuns.is-invalid + .invalid-feedback")).getText())
                    .contains("is required");
            assertThat(browser.find(By.id("name")).getAttribute("value")).as("nothing typed is lost").isEqualTo(name);
            assertThat(browser.find(By.id("ratePer")).getAttribute("value")).isEqualTo("PT1M");
            browser.screenshot("profile-validation-error");

            browser.type(By.id("maxConcurrent"), "2");
            browser.type(By.id("rateRuns"), "10");
            browser.find(By.id("save")).click();
            browser.waitFor(By.cssSelector("[data-testid=flash-message]"));
            WebElement row = browser.find(By.xpath("//table[@data-testid='profiles']//tr[td/a[text()='" + name + "']]"));
            assertThat(row.getText()).contains("2").contains("10 per PT1M");
            browser.screenshot("profile-created");

            browser.find(By.linkText(name)).click();
            browser.type(By.id("maxConcurrent"), "5");
            browser.find(By.id("save")).click();
            browser.waitFor(By.cssSelector("[data-testid=flash-message]"));
            assertThat(browser.find(By.id("maxConcurrent")).getAttribute("value")).isEqualTo("5");
        }
    }

    @Test
    void aProfileInUseIsNotDeletedAndItsTasksAreShown() {
        String profile = unique("ui-used");
        String task = unique("ui-task");
        PolysyncClient api = UiTestApp.api();
        assertThat(api.post("/api/v1/contention-profiles", "{\"name\":\"" + profile + "\",\"maxConcurrent\":1}")
                .status()).isEqualTo(201);
        api.post("/api/v1/platforms", "{\"name\":\"ui-shell\",\"type\":\"shell\",\"config\":{}}");
        api.post("/api/v1/jobs", "{\"name\":\"ui-echo\",\"platform\":\"ui-shell\",\"jobType\":\"shell.command\"}");
        PolysyncClient.Response created = api.post("/api/v1/tasks", "{\"name\":\"" + task + "\",\"job\":\"ui-echo\","
                + "\"parameters\":{\"command\":[\"true\"]},\"contentionProfiles\":[\"" + profile + "\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        try (Browser browser = Browser.open()) {
            browser.signIn("admin", UiTestApp.adminPassword(), "/profiles/" + profile);
            browser.find(By.id("delete")).click();
            browser.driver().switchTo().alert().accept();
            WebElement referrers = browser.waitFor(By.cssSelector("[data-testid=referrers]"));
            assertThat(referrers.getText()).contains("cannot be deleted").contains(task);
            assertThat(api.get("/api/v1/contention-profiles/" + profile).status()).isEqualTo(200);
            browser.screenshot("profile-delete-refused");

            assertThat(api.put("/api/v1/tasks/" + task, "{\"name\":\"" + task + "\",\"job\":\"ui-echo\","
                    + "\"parameters\":{\"command\":[\"true\"]}}").status()).isEqualTo(200);
            browser.get("/profiles/" + profile);
            browser.find(By.id("delete")).click();
            browser.driver().switchTo().alert().accept();
            browser.waitFor(By.cssSelector("[data-testid=flash-message]"));
            assertThat(browser.path()).startsWith("/profiles");
            assertThat(api.get("/api/v1/contention-profiles/" + profile).status()).isEqualTo(404);
        }
    }

    @Test
    void aVaultSecretIsSetAndItsValueNeverShown() {
        String vault = unique("ui-vault");
        String value = "s3cret-" + UUID.randomUUID();
        try (Browser browser = Browser.open()) {
            browser.signIn("admin", UiTestApp.adminPassword(), "/vaults");
            browser.find(By.id("new-vault")).click();
            browser.type(By.id("name"), vault);
            new Select(browser.find(By.id("kind"))).selectByValue("builtin");
            browser.find(By.id("save")).click();
            browser.waitFor(By.cssSelector("[data-testid=secret-form]"));

            browser.type(By.id("secretName"), "bad name!");
            browser.type(By.id("value"), value);
            browser.find(By.id("set-secret")).click();
            browser.waitFor(By.cssSelector("#secretName.is-invalid"));
            assertThat(browser.find(By.id("secretName")).getAttribute("value")).isEqualTo("bad name!");
            assertThat(browser.find(By.id("value")).getAttribute("value")).as("a value is never echoed").isEmpty();
            assertThat(browser.driver().getPageSource()).doesNotContain(value);
            browser.screenshot("vault-secret-validation-error");

            browser.type(By.id("secretName"), "db-password");
            browser.type(By.id("value"), value);
            browser.find(By.id("set-secret")).click();
            browser.waitFor(By.cssSelector("[data-testid=flash-message]"));
            assertThat(browser.find(By.cssSelector("[data-testid=secrets]")).getText()).contains("db-password");
            assertThat(browser.find(By.id("value")).getAttribute("value")).isEmpty();
            assertThat(browser.driver().getPageSource()).doesNotContain(value);
            browser.screenshot("vault-secret-set");

            browser.get("/vaults");
            assertThat(browser.find(By.cssSelector("[data-testid=vaults]")).getText()).contains(vault);
            assertThat(browser.driver().getPageSource()).doesNotContain(value);
        }
    }

    @Test
    void anEnvVaultAsksForItsPrefixAndKeepsWhatWasTyped() {
        String vault = unique("ui-env");
        try (Browser browser = Browser.open()) {
            browser.signIn("admin", UiTestApp.adminPassword(), "/vaults/new");
            assertThat(browser.find(By.id("prefix")).isDisplayed()).as("only the builtin kind's settings").isFalse();
            browser.type(By.id("name"), vault);
            new Select(browser.find(By.id("kind"))).selectByValue("env");
            browser.waitFor(By.id("prefix"));
            browser.find(By.id("save")).click();

            assertThat(browser.waitFor(By.cssSelector("#prefix.is-invalid + .invalid-feedback")).getText())
                    .contains("is required");
            assertThat(browser.find(By.id("name")).getAttribute("value")).isEqualTo(vault);
            assertThat(new Select(browser.find(By.id("kind"))).getFirstSelectedOption().getText()).isEqualTo("env");
            browser.screenshot("vault-env-validation-error");

            browser.type(By.id("prefix"), "APP_SECRET_");
            browser.find(By.id("save")).click();
            browser.waitFor(By.cssSelector("[data-testid=flash-message]"));
            assertThat(browser.find(By.tagName("main")).getText()).contains("APP_SECRET_")
                    .contains("live outside Polysync").doesNotContain("Set secret");
        }
    }

    @Test
    void anAdminCreatesAUserAndATokenWhoseValueIsShownOnce() {
        String user = unique("ui-user");
        String token = unique("ui-token");
        try (Browser browser = Browser.open()) {
            browser.signIn("admin", UiTestApp.adminPassword(), "/users");
            browser.find(By.id("new-user")).click();
            browser.type(By.id("username"), user);
            browser.type(By.id("password"), "short");
            new Select(browser.find(By.id("role"))).selectByValue("operator");
            browser.find(By.id("save")).click();
            assertThat(browser.waitFor(By.cssSelector("#password.is-invalid + .invalid-feedback")).getText())
                    .contains("at least 12 characters");
            assertThat(browser.find(By.id("username")).getAttribute("value")).isEqualTo(user);
            assertThat(new Select(browser.find(By.id("role"))).getFirstSelectedOption().getText()).isEqualTo("operator");
            browser.screenshot("user-validation-error");

            browser.type(By.id("password"), "a long enough password");
            browser.find(By.id("save")).click();
            browser.waitFor(By.cssSelector("[data-testid=flash-message]"));
            assertThat(browser.find(By.xpath("//table[@data-testid='users']//tr[td/a[text()='" + user + "']]"))
                    .getText()).contains("operator");
            browser.screenshot("user-created");

            browser.find(By.linkText(user)).click();
            new Select(browser.find(By.id("role"))).selectByValue("editor");
            browser.find(By.id("save")).click();
            browser.waitFor(By.cssSelector("[data-testid=flash-message]"));
            assertThat(UiTestApp.api().get("/api/v1/users/" + user).json().path("role").asString()).isEqualTo("editor");

            browser.get("/tokens");
            browser.type(By.id("name"), token);
            new Select(browser.find(By.id("role"))).selectByValue("viewer");
            browser.find(By.id("create-token")).click();
            String value = browser.waitFor(By.id("token-value")).getAttribute("value");
            assertThat(value).startsWith("psy_");
            assertThat(new PolysyncClient(UiTestApp.baseUrl()).withToken(value).get("/api/v1/platforms").status())
                    .isEqualTo(200);
            browser.screenshot("token-created");

            browser.get("/tokens");
            assertThat(browser.find(By.cssSelector("[data-testid=tokens]")).getText()).contains(token);
            assertThat(browser.driver().getPageSource()).doesNotContain(value);
            browser.screenshot("tokens-list");
        }
    }

    @Test
    void aViewerSeesNoAdminPages() {
        String viewer = unique("ui-viewer");
        String password = "viewer password 123";
        PolysyncClient.Response created = UiTestApp.api().post("/api/v1/users",
                "{\"username\":\"" + viewer + "\",\"password\":\"" + password + "\",\"role\":\"viewer\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        try (Browser browser = Browser.open()) {
            browser.allowConsoleError("403");
            browser.signIn(viewer, password, "/profiles");
            assertThat(browser.find(By.id("ps-nav-links")).getText()).contains("Vaults")
                    .doesNotContain("Users").doesNotContain("API tokens");
            assertThat(browser.findAll(By.id("new-profile"))).isEmpty();
            browser.screenshot("viewer-profiles");

            for (String page : new String[] {"/tokens", "/users/new", "/vaults/new", "/profiles/new", "/users"}) {
                browser.get(page);
                assertThat(browser.waitFor(By.cssSelector("[data-testid=error-title]")).getText()).as(page)
                        .contains("403");
                assertThat(browser.find(By.cssSelector("[data-testid=signed-in-user]")).getText()).as(page)
                        .contains(viewer);
            }
            browser.screenshot("viewer-forbidden");

            browser.get("/vaults");
            assertThat(browser.findAll(By.id("new-vault"))).isEmpty();
        }
    }

    @Test
    void formsAreReachableByKeyboard() {
        String name = unique("ui-keys");
        try (Browser browser = Browser.open()) {
            browser.signIn("admin", UiTestApp.adminPassword(), "/profiles/new");
            browser.find(By.tagName("body")).sendKeys(Keys.TAB);
            assertThat(browser.driver().switchTo().activeElement().getText()).isEqualTo("Skip to content");
            browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
            browser.find(By.id("name")).click();
            browser.driver().switchTo().activeElement().sendKeys(name, Keys.TAB, "3", Keys.TAB, Keys.TAB, Keys.ENTER);
            browser.waitFor(By.cssSelector("[data-testid=flash-message]"));
            assertThat(UiTestApp.api().get("/api/v1/contention-profiles/" + name).json().path("maxConcurrent")
                    .asInt()).isEqualTo(3);
            for (WebElement input : browser.findAll(By.cssSelector("main input, main select"))) {
                assertThat(browser.findAll(By.cssSelector("label[for='" + input.getAttribute("id") + "']")))
                        .as("a label for #%s", input.getAttribute("id")).isNotEmpty();
            }
        }
    }

    @Test
    void pagesFitANarrowScreen() {
        try (Browser browser = Browser.open()) {
            browser.signIn("admin", UiTestApp.adminPassword(), "/tokens");
            browser.resize(390, 844);
            browser.get("/tokens");
            assertThat((Boolean) browser.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                    .as("no horizontal scrolling").isTrue();
            browser.find(By.cssSelector(".navbar-toggler")).click();
            browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.linkText("Users")));
            browser.screenshot("narrow-tokens-menu");
        }
    }
}
