package dev.kiln.controlplane.snippets;

import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/**
 * Client code for one deployment (DESIGN §4.4): complete programs that read a local image, send it as base64 to
 * {@code predictUrl} and print the response. They carry the placeholders {@code YOUR_SECRET_KEY} and
 * {@code path/to/image.jpg}, never a real key. {@code urlVariants} has, under the same language names, the second
 * variant DESIGN §4.4 allows: the program sending {@code image_type: url} with the placeholder
 * {@value SnippetTemplates#IMAGE_URL} (an image the node downloads itself).
 */
@Serdeable
public record Snippets(String predictUrl, String curl, String python, String javascript, String node, String java,
                       String go, String r, String ruby, String c, Map<String, String> urlVariants) {
}
