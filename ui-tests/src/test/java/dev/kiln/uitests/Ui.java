package dev.kiln.uitests;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.kiln.e2e.Stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * One test's browser: a fresh context at 1280 × 800 on the stack's dashboard, with the steps the scenarios share.
 * Names are the accessible names of the dashboard's selector contract (plan/WAVE3.md). Every page a step reaches is
 * saved as {@code target/screenshots/<class>/<test>/<nn>-<name>.png}.
 */
final class Ui implements AutoCloseable {
    private final BrowserContext browserContext;
    private final Page page;
    private final LiveStack stack;
    private final Path screenshots;
    private final List<String> consoleErrors = new ArrayList<>();
    private int shots;

    Ui(Browser browser, LiveStack stack, Path screenshots) {
        this.browserContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
        this.page = browserContext.newPage();
        this.stack = stack;
        this.screenshots = screenshots;
        page.onConsoleMessage(message -> {
            if ("error".equals(message.type())) {
                // A failed load's text does not name the resource; its location does.
                consoleErrors.add(message.text() + " at " + message.location());
            }
        });
        page.onPageError(error -> consoleErrors.add("uncaught: " + error));
    }

    Page page() {
        return page;
    }

    List<String> consoleErrors() {
        return List.copyOf(consoleErrors);
    }

    /** Signs in as the bootstrap admin from the login page and waits for the signed-in header. */
    Ui signIn() {
        return signIn(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
    }

    /** Signs in from the login page; with a temporary password the page that follows is the forced change. */
    Ui signIn(String email, String password) {
        page.navigate(stack.url() + "/");
        page.getByLabel("Email").fill(email);
        page.getByLabel("Password").fill(password);
        shot("login");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(button("Sign out")).isVisible();
        shot("signed-in");
        return this;
    }

    /** The deployments list, through the navigation. */
    Ui deployments() {
        nav("Deployments").click();
        assertThat(button("New deployment").or(link("New deployment")).first()).isVisible();
        shot("deployments");
        return this;
    }

    /** A deployment's page, from the list. */
    Ui openDeployment(String name) {
        deployments();
        link(name).click();
        assertThat(page.getByTestId("deployment-status")).isVisible();
        shot("deployment-" + name);
        return this;
    }

    /** One tab of the deployment page. */
    Ui tab(String name) {
        page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName(name).setExact(true)).click();
        assertThat(page.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName(name).setExact(true)))
                .hasAttribute("aria-selected", "true");
        shot("tab-" + name.toLowerCase(Locale.ROOT));
        return this;
    }

    /** A link of the main navigation (pages repeat some of these names in breadcrumbs). */
    Locator nav(String name) {
        return page.getByRole(AriaRole.NAVIGATION)
                .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(name).setExact(true)).first();
    }

    Locator button(String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    Locator link(String name) {
        return page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    Locator field(String label) {
        return page.getByLabel(label, new Page.GetByLabelOptions().setExact(true));
    }

    /** Saves the page as it is now. */
    void shot(String name) {
        try {
            Files.createDirectories(screenshots);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        shots++;
        page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
                .setPath(screenshots.resolve(String.format("%02d-%s.png", shots, name.replaceAll("[^A-Za-z0-9_-]", "_")))));
    }

    @Override
    public void close() {
        browserContext.close();
    }
}
