package dev.kiln.uitests;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * JUnit extension of the browser tests: hands a test the shared {@link LiveStack} and a fresh {@link Ui} (its own
 * browser context, so no login or storage leaks between tests). After the test it saves a last screenshot, prints
 * the stack's logs and the page's console errors on failure, and fails a test whose page logged console errors.
 *
 * <p>The browser is Debian's Chromium at {@value #CHROMIUM} ({@code .ci/run} installs the package), driven by
 * Playwright, which the surefire configuration keeps from downloading a browser of its own.
 */
final class Dashboard implements ParameterResolver, AfterEachCallback {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();
    private static final List<String> CHROMIUM_ARGS = List.of("--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run");

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Ui.class || type == LiveStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == LiveStack.class) {
            return LiveStack.get(context);
        }
        Path shots = SCREENSHOTS.resolve(context.getRequiredTestClass().getSimpleName())
                .resolve(context.getRequiredTestMethod().getName());
        Ui ui = new Ui(browser(context), LiveStack.get(context), shots);
        context.getStore(ExtensionContext.Namespace.create(Dashboard.class, context.getUniqueId())).put(Ui.class, ui);
        return ui;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        boolean failed = context.getExecutionException().isPresent();
        LiveStack stack = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).get(LiveStack.class, LiveStack.class);
        if (failed && stack != null) {
            System.err.println("Logs of the stack after " + context.getDisplayName() + ":\n" + stack.logs());
        }
        Ui ui = context.getStore(ExtensionContext.Namespace.create(Dashboard.class, context.getUniqueId()))
                .remove(Ui.class, Ui.class);
        if (ui == null) {
            return;
        }
        try {
            ui.shot(failed ? "failure" : "end");
            if (failed) {
                System.err.println("Console errors of " + context.getDisplayName() + ": " + ui.consoleErrors());
            } else if (!ui.consoleErrors().isEmpty()) {
                // The dashboard must not log errors (issue 7, "Quality").
                throw new AssertionError("The page logged errors to the console: " + ui.consoleErrors());
            }
        } finally {
            ui.close();
        }
    }

    private static Browser browser(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Chromium.class, key -> Chromium.launch(), Chromium.class).browser;
    }

    /** One Playwright driver and one Chromium for the whole run. */
    private record Chromium(Playwright playwright, Browser browser)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {

        static Chromium launch() {
            if (!Files.isExecutable(Path.of(CHROMIUM))) {
                throw new IllegalStateException(CHROMIUM + " is missing: install Debian's chromium package "
                        + "(.ci/run does when it runs as root or with sudo)");
            }
            Playwright playwright = Playwright.create();
            try {
                Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(Path.of(CHROMIUM)).setHeadless(true).setArgs(CHROMIUM_ARGS));
                return new Chromium(playwright, browser);
            } catch (RuntimeException e) {
                playwright.close();
                throw e;
            }
        }

        @Override
        public void close() {
            browser.close();
            playwright.close();
        }
    }
}
