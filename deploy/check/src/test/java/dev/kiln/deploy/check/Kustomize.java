package dev.kiln.deploy.check;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Renders a kustomization as {@code kubectl kustomize} does, for the subset of Kustomize deploy/k8s uses:
 * resources, components, strategic-merge patches, configMapGenerator, namespace, labels and images. Any other
 * field fails the parse (the records below are read strictly), so a manifest using a feature this renderer does
 * not understand cannot pass unchecked.
 */
final class Kustomize {
    private static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };
    /** Kinds that live in no namespace among those deploy/k8s uses. */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

    /** One rendered object and the file it came from (for messages). */
    record Resource(Map<String, Object> object, Path source) {
        String kind() {
            return (String) object.get("kind");
        }

        String name() {
            return (String) metadata().get("name");
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> metadata() {
            return (Map<String, Object>) object.get("metadata");
        }

        String id() {
            return kind() + "/" + name();
        }
    }

    /** A patch file with the kind and name it targets. */
    record Patch(Map<String, Object> object, Path source) {
    }

    record Kustomization(String apiVersion, String kind, String namespace, List<LabelSet> labels,
                         List<String> resources, List<String> components, List<PatchRef> patches,
                         List<ImageRule> images, List<Generator> configMapGenerator) {
        Kustomization {
            labels = Objects.requireNonNullElse(labels, List.of());
            resources = Objects.requireNonNullElse(resources, List.of());
            components = Objects.requireNonNullElse(components, List.of());
            patches = Objects.requireNonNullElse(patches, List.of());
            images = Objects.requireNonNullElse(images, List.of());
            configMapGenerator = Objects.requireNonNullElse(configMapGenerator, List.of());
        }
    }

    record LabelSet(Map<String, String> pairs, Boolean includeSelectors, Boolean includeTemplates) {
    }

    record PatchRef(String path) {
    }

    record ImageRule(String name, String newName, String newTag) {
    }

    record Generator(String name, List<String> files, GeneratorOptions options) {
    }

    record GeneratorOptions(Boolean disableNameSuffixHash, Map<String, String> labels) {
    }

    /** Everything a kustomization directory produced, and the patch files it applied on the way. */
    record Rendering(List<Resource> resources, List<Patch> patches) {
    }

    private Kustomize() {
    }

    static Rendering render(Path dir) {
        List<Patch> patches = new ArrayList<>();
        List<Resource> resources = build(dir, false, new ArrayList<>(), patches);
        return new Rendering(List.copyOf(resources), List.copyOf(patches));
    }

    private static Kustomization read(Path dir) {
        try {
            return STRICT.readValue(dir.resolve("kustomization.yaml").toFile(), Kustomization.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve("kustomization.yaml"), e);
        }
    }

    /** Components work on what their parent accumulated; kustomizations start from nothing. */
    private static List<Resource> build(Path dir, boolean component, List<Resource> inherited, List<Patch> patches) {
        Kustomization k = read(dir);
        String expectedKind = component ? "Component" : "Kustomization";
        if (!expectedKind.equals(k.kind())) {
            throw new AssertionError(dir + ": kind " + k.kind() + ", expected " + expectedKind);
        }
        List<Resource> out = new ArrayList<>(inherited);
        for (String entry : k.resources()) {
            Path target = dir.resolve(entry).normalize();
            if (Files.isDirectory(target)) {
                out.addAll(build(target, false, List.of(), patches));
            } else {
                out.addAll(readObjects(target));
            }
        }
        for (String entry : k.components()) {
            out = build(dir.resolve(entry).normalize(), true, out, patches);
        }
        for (Generator g : k.configMapGenerator()) {
            out.add(generate(dir, g));
        }
        for (PatchRef ref : k.patches()) {
            Path file = dir.resolve(ref.path()).normalize();
            for (Resource p : readObjects(file)) {
                patches.add(new Patch(p.object(), file));
                Resource target = out.stream()
                        .filter(r -> r.kind().equals(p.kind()) && r.name().equals(p.name())).findFirst()
                        .orElseThrow(() -> new AssertionError(file + " patches " + p.id() + ", which " + dir
                                + " does not have"));
                out.set(out.indexOf(target), new Resource(StrategicMerge.merge(target.object(), p.object()),
                        target.source()));
            }
        }
        for (LabelSet set : k.labels()) {
            if (Boolean.TRUE.equals(set.includeSelectors()) || Boolean.TRUE.equals(set.includeTemplates())) {
                throw new AssertionError(dir + ": labels into selectors or templates are not supported here");
            }
            for (Resource r : out) {
                labels(r.metadata()).putAll(set.pairs());
            }
        }
        if (k.namespace() != null) {
            for (Resource r : out) {
                if (!CLUSTER_SCOPED.contains(r.kind())) {
                    r.metadata().put("namespace", k.namespace());
                }
            }
        }
        for (ImageRule rule : k.images()) {
            for (Resource r : out) {
                for (Map<String, Object> c : Pods.containers(r.object())) {
                    String image = (String) c.get("image");
                    if (image != null && Images.repository(image).equals(rule.name())) {
                        String name = rule.newName() != null ? rule.newName() : rule.name();
                        String tag = rule.newTag() != null ? rule.newTag() : Images.tag(image);
                        c.put("image", name + ":" + tag);
                    }
                }
            }
        }
        return out;
    }

    private static Resource generate(Path dir, Generator g) {
        if (g.options() == null || !Boolean.TRUE.equals(g.options().disableNameSuffixHash())) {
            // Hashed names are rewritten into references by kustomize; nothing here needs that.
            throw new AssertionError(dir + ": configMapGenerator " + g.name() + " must set disableNameSuffixHash");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (String file : g.files()) {
            Path path = dir.resolve(file).normalize();
            if (!path.startsWith(dir)) {
                throw new AssertionError(dir + ": " + file + " is outside the kustomization (kubectl refuses it)");
            }
            data.put(path.getFileName().toString(), Repo.read(path));
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", g.name());
        if (g.options().labels() != null) {
            metadata.put("labels", new LinkedHashMap<>(g.options().labels()));
        }
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", "v1");
        object.put("kind", "ConfigMap");
        object.put("metadata", metadata);
        object.put("data", data);
        return new Resource(object, dir.resolve("kustomization.yaml"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> labels(Map<String, Object> metadata) {
        return (Map<String, Object>) metadata.computeIfAbsent("labels", key -> new LinkedHashMap<>());
    }

    static List<Resource> readObjects(Path file) {
        try (MappingIterator<Map<String, Object>> it = STRICT.readerFor(OBJECT).readValues(file.toFile())) {
            List<Resource> objects = new ArrayList<>();
            while (it.hasNext()) {
                Map<String, Object> object = it.next();
                if (object != null) {
                    objects.add(new Resource(object, file));
                }
            }
            return objects;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Image references as Kustomize splits them: repository and tag. */
    static final class Images {
        private Images() {
        }

        static String repository(String image) {
            int slash = image.lastIndexOf('/');
            int colon = image.lastIndexOf(':');
            return colon > slash ? image.substring(0, colon) : image;
        }

        static String tag(String image) {
            int slash = image.lastIndexOf('/');
            int colon = image.lastIndexOf(':');
            return colon > slash ? image.substring(colon + 1) : "latest";
        }
    }
}
