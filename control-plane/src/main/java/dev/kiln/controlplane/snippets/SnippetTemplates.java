package dev.kiln.controlplane.snippets;

import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The programs behind {@link Snippets}, kept as real source files under {@code resources/snippets} so they read
 * (and diff) like the code users will paste; {@value #URL} marks where the predict URL goes.
 */
@Singleton
class SnippetTemplates {

    static final String URL = "{{predictUrl}}";
    /** The image URL placeholder of the url variants. */
    static final String IMAGE_URL = "https://example.com/image.jpg";
    /** Language → file name, the same for both variants (the url ones under {@code snippets/url}). */
    private static final Map<String, String> FILES = orderedFiles();

    private final String curl = load("curl.sh");
    private final String python = load("python.py");
    private final String javascript = load("javascript.js");
    private final String node = load("node.js");
    private final String java = load("java.java");
    private final String go = load("go.go");
    private final String r = load("r.R");
    private final String ruby = load("ruby.rb");
    private final String c = load("c.c");
    private final Map<String, String> urlTemplates = urlTemplates();

    /**
     * @param predictUrl checked by {@link PublicUrl} to hold only URL characters that need no escaping in any of
     *                   the languages' string literals (no quotes, backslashes, {@code $} or spaces)
     */
    Snippets render(String predictUrl) {
        return new Snippets(predictUrl, fill(curl, predictUrl), fill(python, predictUrl), fill(javascript, predictUrl),
                fill(node, predictUrl), fill(java, predictUrl), fill(go, predictUrl), fill(r, predictUrl),
                fill(ruby, predictUrl), fill(c, predictUrl), urlVariants(predictUrl));
    }

    private Map<String, String> urlVariants(String predictUrl) {
        Map<String, String> variants = new LinkedHashMap<>();
        urlTemplates.forEach((language, template) -> variants.put(language, fill(template, predictUrl)));
        return variants;
    }

    private static Map<String, String> urlTemplates() {
        Map<String, String> templates = new LinkedHashMap<>();
        FILES.forEach((language, file) -> templates.put(language, load("url/" + file)));
        return templates;
    }

    private static Map<String, String> orderedFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("curl", "curl.sh");
        files.put("python", "python.py");
        files.put("javascript", "javascript.js");
        files.put("node", "node.js");
        files.put("java", "java.java");
        files.put("go", "go.go");
        files.put("r", "r.R");
        files.put("ruby", "ruby.rb");
        files.put("c", "c.c");
        return files;
    }

    private static String fill(String template, String predictUrl) {
        return template.replace(URL, predictUrl);
    }

    private static String load(String name) {
        try (InputStream in = SnippetTemplates.class.getResourceAsStream("/snippets/" + name)) {
            if (in == null) {
                throw new IllegalStateException("snippet template " + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
