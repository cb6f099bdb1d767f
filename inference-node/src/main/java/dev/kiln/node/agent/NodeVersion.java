package dev.kiln.node.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The build's version, from a resource Maven fills in. */
final class NodeVersion {
    private NodeVersion() {
    }

    static String get() {
        try (InputStream in = NodeVersion.class.getResourceAsStream("/kiln-node.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.contains("${")) {
                    return v.trim();
                }
            }
        } catch (IOException ignored) {
            // Fall through to "dev".
        }
        return "dev";
    }
}
