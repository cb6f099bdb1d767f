package dev.kiln.node.adapters;

import dev.kiln.node.runtime.DescriptorValidator;
import dev.kiln.protocol.ModelDescriptor;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The output adapters this node has, by descriptor name, and {@link RawOutputs}; a descriptor naming another fails
 * its instance at load.
 */
@Singleton
public final class AdapterRegistry implements DescriptorValidator {
    private final Map<String, OutputAdapter> adapters;

    public AdapterRegistry(List<OutputAdapter> adapters) {
        this.adapters = adapters.stream().collect(Collectors.toUnmodifiableMap(OutputAdapter::name, Function.identity()));
    }

    public Optional<OutputAdapter> find(String name) {
        return Optional.ofNullable(adapters.get(name));
    }

    @Override
    public Optional<String> problem(ModelDescriptor descriptor) {
        if (descriptor == null || descriptor.input() == null) {
            return Optional.of("The assignment has no model descriptor.");
        }
        if (!adapters.containsKey(descriptor.outputAdapter()) && !RawOutputs.NAME.equals(descriptor.outputAdapter())) {
            return Optional.of("Output adapter '" + descriptor.outputAdapter() + "' is not supported by this node yet; "
                    + "it serves " + Stream.concat(adapters.keySet().stream(), Stream.of(RawOutputs.NAME))
                    .sorted().toList() + ".");
        }
        String layout = descriptor.input().layout();
        if (layout == null || !List.of("NCHW", "NHWC", "CHW", "HWC").contains(layout.toUpperCase(java.util.Locale.ROOT))) {
            return Optional.of("Input layout '" + layout + "' cannot be fed from images.");
        }
        return Optional.empty();
    }
}
