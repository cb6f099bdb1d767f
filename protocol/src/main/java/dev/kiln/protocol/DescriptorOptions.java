package dev.kiln.protocol;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A descriptor's options, typed (DESIGN §5): resizing for models with a dynamic input size, and the adapter's own
 * options. The control plane reads them {@linkplain #strict strictly} at upload, so an unknown name or a bad value
 * is refused naming the option instead of silently becoming a default on the node; the node reads what was
 * accepted {@linkplain #of leniently} (versions stored before this check keep loading).
 *
 */
public record DescriptorOptions(Resize resize, AdapterOptions adapter) {

    /** The output adapters Kiln has (DESIGN §5). */
    public static final Set<String> ADAPTERS = Set.of("torchvision", "yolov5", "yolov8", "tf_od", "classification",
            "prob_map", "semantic_segmentation", "raw");

    /**
     * How an image is sized for a model that takes any size (every adapter reads these).
     *
     * @param maxSide      the longer image side is scaled down to this before inference ({@code 0}: not scaled)
     * @param sizeMultiple both tensor sides are rounded to a multiple of this
     */
    public record Resize(int maxSide, int sizeMultiple) {

        /** The resize options in {@code raw}, read leniently (for a stored descriptor's options). */
        public static Resize of(Map<String, Object> raw) {
            return read(new Reader(raw, false), false);
        }

        private static Resize read(Reader r, boolean probMap) {
            // DB text detectors want a bounded input whose sides are multiples of 32.
            return new Resize(r.integer("maxSide", probMap ? 960 : 0, 0, 16_384),
                    r.integer("sizeMultiple", probMap ? 32 : 1, 1, 1_024));
        }
    }

    /** The options of {@code adapter} in {@code raw}; any unknown, mistyped or out-of-range option is refused. */
    public static DescriptorOptions strict(String adapter, Map<String, Object> raw) {
        Reader reader = new Reader(raw, true);
        DescriptorOptions options = read(adapter, reader);
        reader.requireAllRead(adapter);
        return options;
    }

    /** The options of an accepted descriptor; what cannot be read takes its default. */
    public static DescriptorOptions of(ModelDescriptor descriptor) {
        return lenient(descriptor.outputAdapter(), descriptor.options());
    }

    /** The options of {@code adapter} in {@code raw}; unknown names are ignored, bad values take their default. */
    public static DescriptorOptions lenient(String adapter, Map<String, Object> raw) {
        return read(adapter, new Reader(raw, false));
    }

    /** The adapter's options, as the type the adapter expects. */
    public <T extends AdapterOptions> T adapter(Class<T> type) {
        return type.cast(adapter);
    }

    /** Every option with its value, defaults included: what is stored with a model version. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        if (resize.maxSide() > 0) {
            map.put("maxSide", resize.maxSide());
        }
        map.put("sizeMultiple", resize.sizeMultiple());
        switch (adapter) {
            case AdapterOptions.Torchvision t -> {
                map.put("confidence", t.confidence());
                map.put("maskThreshold", t.maskThreshold());
            }
            case AdapterOptions.Yolo y -> {
                map.put("confidence", y.confidence());
                map.put("iou", y.iou());
                map.put("maxDetections", y.maxDetections());
            }
            case AdapterOptions.TfOd t -> map.put("confidence", t.confidence());
            case AdapterOptions.Classification c -> map.put("topK", c.topK());
            case AdapterOptions.ProbMap p -> {
                map.put("threshold", p.threshold());
                map.put("boxThreshold", p.boxThreshold());
                map.put("unclipRatio", p.unclipRatio());
                map.put("maxCandidates", p.maxCandidates());
                map.put("label", p.label());
            }
            case AdapterOptions.SemanticSegmentation s -> map.put("background", s.background());
            case AdapterOptions.Raw r -> map.put("maxRawValues", r.maxRawValues());
        }
        return map;
    }

    private static DescriptorOptions read(String adapter, Reader r) {
        Resize resize = Resize.read(r, "prob_map".equals(adapter));
        AdapterOptions options = switch (adapter == null ? "" : adapter) {
            case "torchvision" -> new AdapterOptions.Torchvision(r.fraction("confidence", 0),
                    r.fraction("maskThreshold", 0.5));
            // Ultralytics' own defaults: a model behaves as its trainer saw it unless the descriptor says otherwise.
            case "yolov5", "yolov8" -> new AdapterOptions.Yolo(r.fraction("confidence", 0.25),
                    r.fraction("iou", 0.45), r.integer("maxDetections", 300, 1, 100_000));
            case "tf_od" -> new AdapterOptions.TfOd(r.fraction("confidence", 0));
            case "classification" -> new AdapterOptions.Classification(r.integer("topK", 5, 1, 100_000));
            case "prob_map" -> new AdapterOptions.ProbMap(r.fraction("threshold", 0.3),
                    r.fraction("boxThreshold", 0.6), r.number("unclipRatio", 1.5, 0, 100),
                    r.integer("maxCandidates", 1000, 1, 1_000_000), r.text("label", "text"));
            case "semantic_segmentation" ->
                    new AdapterOptions.SemanticSegmentation(r.integer("background", -1, -1, Integer.MAX_VALUE));
            case "raw" -> new AdapterOptions.Raw(r.integer("maxRawValues", 1 << 20, 0, Integer.MAX_VALUE));
            default -> throw new IllegalArgumentException("unknown output adapter '" + adapter + "'");
        };
        return new DescriptorOptions(resize, options);
    }

    /** Reads options by name, remembering which were read; strict readers refuse bad values, lenient ones default. */
    private static final class Reader {
        private final Map<String, Object> raw;
        private final boolean strict;
        private final Set<String> read = new HashSet<>();

        Reader(Map<String, Object> raw, boolean strict) {
            this.raw = raw == null ? Map.of() : raw;
            this.strict = strict;
        }

        double fraction(String name, double fallback) {
            return number(name, fallback, 0, 1);
        }

        double number(String name, double fallback, double min, double max) {
            read.add(name);
            Object value = raw.get(name);
            if (value == null) {
                return fallback;
            }
            Double n = value instanceof Number number ? Double.valueOf(number.doubleValue()) : parse(value);
            if (n == null || n.isNaN() || n < min || n > max) {
                return refuse(name, "must be a number from " + format(min) + " to " + format(max), fallback);
            }
            return n;
        }

        int integer(String name, int fallback, int min, int max) {
            double n = number(name, fallback, min, max);
            if (n != Math.rint(n)) {
                return (int) refuse(name, "must be a whole number", fallback);
            }
            return (int) n;
        }

        String text(String name, String fallback) {
            read.add(name);
            Object value = raw.get(name);
            if (value == null) {
                return fallback;
            }
            if (value instanceof String s && !s.isBlank()) {
                return s;
            }
            if (strict) {
                throw new InvalidOptionException(name, "must be a non-empty string.");
            }
            return fallback;
        }

        void requireAllRead(String adapter) {
            Set<String> unknown = new TreeSet<>(raw.keySet());
            unknown.removeAll(read);
            if (!unknown.isEmpty()) {
                String name = unknown.iterator().next();
                throw new InvalidOptionException(name, "is not an option of the " + adapter + " adapter; it reads "
                        + new TreeSet<>(read) + ".");
            }
        }

        private double refuse(String name, String problem, double fallback) {
            if (strict) {
                throw new InvalidOptionException(name, problem + "; got " + raw.get(name) + ".");
            }
            return fallback;
        }

        private static Double parse(Object value) {
            if (value instanceof String s && !s.isBlank()) {
                try {
                    return Double.parseDouble(s.trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return null;
        }

        private static String format(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        }
    }
}
