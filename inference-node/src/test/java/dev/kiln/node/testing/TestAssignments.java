package dev.kiln.node.testing;

import dev.kiln.onnx.DescriptorOverrides;
import dev.kiln.onnx.InvalidModelException;
import dev.kiln.onnx.ModelInspector;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.ModelDescriptor;
import dev.kiln.protocol.ServingSettings;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Assignments as the control plane makes them: the sample model and the descriptor the inspector gives it. */
public final class TestAssignments {
    private static final Map<String, ModelDescriptor> DESCRIPTORS = new ConcurrentHashMap<>();

    private TestAssignments() {
    }

    public static ModelDescriptor descriptor(String sample) {
        return DESCRIPTORS.computeIfAbsent(sample, s -> {
            try {
                return ModelInspector.inspect(SampleModels.path(s), DescriptorOverrides.NONE);
            } catch (InvalidModelException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public static Assignment of(String sample, ServingSettings settings) {
        return of(sample, descriptor(sample), settings, List.of());
    }

    public static Assignment of(String sample, ModelDescriptor descriptor, ServingSettings settings,
                                List<Integer> gpus) {
        return new Assignment(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), sample.replace(".onnx", ""),
                "v1", "0".repeat(64), 0, descriptor, gpus, settings);
    }
}
