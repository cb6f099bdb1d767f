package dev.kiln.node.agent;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;

/** The node's settled identity: configuration with defaults filled in from the port it actually listens on. */
public record NodeIdentity(String name, String address, Path home, String region, Map<String, String> labels) {

    public static NodeIdentity of(NodeConfig config, int port) {
        String name = NodeConfig.present(config.name()) ? config.name().trim() : hostName() + "-" + port;
        String address = NodeConfig.present(config.address()) ? stripSlash(config.address().trim())
                : "http://127.0.0.1:" + port;
        Path home = NodeConfig.present(config.home()) ? Path.of(config.home().trim())
                : Path.of(".kiln", "node-" + port);
        String region = NodeConfig.present(config.region()) ? config.region().trim() : null;
        return new NodeIdentity(name, address, home.toAbsolutePath(), region,
                config.labels() == null ? Map.of() : Map.copyOf(config.labels()));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "node";
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
