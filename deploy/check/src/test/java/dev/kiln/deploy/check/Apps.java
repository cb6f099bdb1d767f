package dev.kiln.deploy.check;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the two apps read, taken from their sources rather than restated: the KILN_* placeholders of their
 * resources (application.yml, logback.xml), those their code reads with System.getenv, the environment names
 * Micronaut maps onto their kiln.* {@code @ConfigurationProperties} records, their ports and management endpoints,
 * and their main classes.
 */
enum Apps {
    CONTROL_PLANE("control-plane", "CP_MAIN", "KILN_PORT", "KILN_MANAGEMENT_PORT"),
    INFERENCE_NODE("inference-node", "NODE_MAIN", "KILN_NODE_PORT", "KILN_NODE_MANAGEMENT_PORT");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(KILN_[A-Z0-9_]+)(?::-?([^}]*))?}");
    private static final Pattern GETENV = Pattern.compile("System\\.getenv\\(\"(KILN_[A-Z0-9_]+)\"\\)");
    private static final Pattern PROPERTIES = Pattern.compile(
            "@ConfigurationProperties\\(\"(kiln[a-z0-9.-]*)\"\\)\\s*(?:public\\s+)?record\\s+\\w+\\s*\\(");

    final String module;
    private final String scriptMainVariable;
    final String portVariable;
    final String managementPortVariable;

    Apps(String module, String scriptMainVariable, String portVariable, String managementPortVariable) {
        this.module = module;
        this.scriptMainVariable = scriptMainVariable;
        this.portVariable = portVariable;
        this.managementPortVariable = managementPortVariable;
    }

    /** Every KILN_* variable the app reads: placeholders in its resources, System.getenv calls, kiln.* records. */
    Set<String> environment() {
        Set<String> names = new TreeSet<>();
        for (Path file : files("src/main/resources", ".yml", ".yaml", ".xml", ".properties")) {
            Matcher m = PLACEHOLDER.matcher(Repo.read(file));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        for (Path file : files("src/main/java", ".java")) {
            String source = Repo.read(file);
            Matcher direct = GETENV.matcher(source);
            while (direct.find()) {
                names.add(direct.group(1));
            }
            Matcher m = PROPERTIES.matcher(source);
            while (m.find()) {
                for (String component : components(source, m.end())) {
                    names.add(environmentName(m.group(1) + "." + kebab(component)));
                }
            }
        }
        return names;
    }

    /** The port the app listens on for its API unless told otherwise, from its application.yml. */
    int defaultPort() {
        return placeholderDefault(yml().at("/micronaut/server/port"), portVariable);
    }

    /** The management listener's port (health, Prometheus), from its application.yml. */
    int defaultManagementPort() {
        return placeholderDefault(yml().at("/endpoints/all/port"), managementPortVariable);
    }

    /** Paths the management listener serves, as Micronaut maps its enabled endpoints. */
    Set<String> managementPaths() {
        JsonNode endpoints = yml().path("endpoints");
        String base = endpoints.path("all").path("path").asText("/");
        base = base.endsWith("/") ? base : base + "/";
        Set<String> paths = new TreeSet<>();
        if (endpoints.path("health").path("enabled").asBoolean(false)) {
            paths.add(base + "health");
            // Micronaut's health endpoint answers its liveness and readiness groups as sub-paths.
            paths.add(base + "health/liveness");
            paths.add(base + "health/readiness");
        }
        if (endpoints.path("prometheus").path("enabled").asBoolean(false)) {
            paths.add(base + "prometheus");
        }
        return paths;
    }

    /** The main class ./kiln starts, which the image must start too. */
    String mainClass() {
        Matcher m = Pattern.compile("(?m)^" + scriptMainVariable + "=(\\S+)$").matcher(Repo.read(Repo.path("kiln")));
        if (!m.find()) {
            throw new AssertionError("the kiln script has no " + scriptMainVariable);
        }
        return m.group(1);
    }

    JsonNode yml() {
        try {
            return Repo.YAML.readTree(Repo.path(module + "/src/main/resources/application.yml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int placeholderDefault(JsonNode value, String variable) {
        Matcher m = PLACEHOLDER.matcher(value.asText());
        if (!m.matches() || !m.group(1).equals(variable) || m.group(2) == null) {
            throw new AssertionError(module + "/application.yml: expected ${" + variable + ":<default>} but found '"
                    + value.asText() + "'");
        }
        return Integer.parseInt(m.group(2));
    }

    private List<Path> files(String dir, String... suffixes) {
        try (Stream<Path> walk = Files.walk(Repo.path(module + "/" + dir))) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(suffixes).anyMatch(s -> p.toString().endsWith(s))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The component names of a record header starting at {@code from} (just after its opening parenthesis). */
    static List<String> components(String source, int from) {
        List<String> names = new ArrayList<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (int i = from; i < source.length(); i++) {
            char c = source.charAt(i);
            if (depth == 0 && (c == ',' || c == ')')) {
                String[] words = current.toString().replaceAll("@\\w+(\\([^)]*\\))?", " ").trim().split("\\s+");
                names.add(words[words.length - 1]);
                current.setLength(0);
                if (c == ')') {
                    return names;
                }
                continue;
            }
            if (c == '<' || c == '(') {
                depth++;
            } else if (c == '>' || c == ')') {
                depth--;
            }
            current.append(c);
        }
        throw new AssertionError("unterminated record header");
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Micronaut's environment property source: KILN_NODE_JOIN_TOKEN ↔ kiln.node.join-token. */
    static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
