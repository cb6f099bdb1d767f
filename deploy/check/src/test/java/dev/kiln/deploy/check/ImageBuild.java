package dev.kiln.deploy.check;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Jib configuration of one image module (deploy/images/&lt;app&gt;/pom.xml), with Maven properties of the
 * module, deploy/pom.xml and the root pom resolved.
 */
record ImageBuild(Apps app, String image, String baseImage, String mainClass, List<String> jvmFlags, String user,
                  List<Integer> ports, Map<String, String> environment, List<String> extraDirectoryTargets,
                  List<String> extraSteps) {

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    static ImageBuild of(Apps app) {
        Element pom = parse(Repo.path("deploy/images/" + app.module + "/pom.xml"));
        Map<String, String> properties = new HashMap<>();
        properties.put("project.version", text(parse(Repo.path("pom.xml")), "version"));
        properties.putAll(properties(parse(Repo.path("deploy/pom.xml"))));
        properties.putAll(properties(pom));
        Element jib = plugin(pom, "jib-maven-plugin");
        Element config = child(jib, "configuration");
        Element container = child(config, "container");
        List<Integer> ports = children(child(container, "ports"), "port").stream()
                .map(p -> Integer.parseInt(p.getTextContent().trim())).toList();
        Map<String, String> environment = new LinkedHashMap<>();
        for (Element e : children(child(container, "environment"), null)) {
            environment.put(e.getTagName(), resolve(e.getTextContent().trim(), properties));
        }
        List<String> targets = children(child(child(config, "extraDirectories"), "paths"), "path").stream()
                .map(p -> text(p, "into")).toList();
        Element exec = child(child(child(plugin(pom, "exec-maven-plugin"), "executions"), "execution"),
                "configuration");
        List<String> steps = children(child(exec, "arguments"), "argument").stream()
                .map(a -> resolve(a.getTextContent().trim(), properties)).toList();
        return new ImageBuild(app,
                resolve(text(child(config, "to"), "image"), properties),
                resolve(text(child(config, "from"), "image"), properties),
                text(container, "mainClass"),
                children(child(container, "jvmFlags"), "jvmFlag").stream().map(f -> f.getTextContent().trim()).toList(),
                text(container, "user"), ports, environment, targets, steps);
    }

    /** The image reference without its tag, e.g. kiln/control-plane. */
    String repository() {
        return Kustomize.Images.repository(image);
    }

    String tag() {
        return Kustomize.Images.tag(image);
    }

    int uid() {
        return Integer.parseInt(user.split(":")[0]);
    }

    private static Element parse(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(file.toFile());
            return doc.getDocumentElement();
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static Map<String, String> properties(Element pom) {
        Map<String, String> out = new HashMap<>();
        Element props = child(pom, "properties");
        if (props != null) {
            children(props, null).forEach(p -> out.put(p.getTagName(), p.getTextContent().trim()));
        }
        return out;
    }

    private static Element plugin(Element pom, String artifactId) {
        for (Element plugin : children(child(child(pom, "build"), "plugins"), "plugin")) {
            if (artifactId.equals(text(plugin, "artifactId"))) {
                return plugin;
            }
        }
        throw new AssertionError("no " + artifactId + " in the image module's pom");
    }

    private static String resolve(String value, Map<String, String> properties) {
        Matcher m = PROPERTY.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = properties.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(replacement != null ? resolve(replacement, properties)
                    : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.getFirst();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (name == null || e.getTagName().equals(name))) {
                out.add(e);
            }
        }
        return out;
    }
}
