package dev.kiln.node.runtime;

import dev.kiln.protocol.ModelDescriptor;

import java.util.Optional;

/** Says why this node cannot serve a descriptor (e.g. an output adapter it does not have), so the instance fails at load. */
@FunctionalInterface
public interface DescriptorValidator {
    Optional<String> problem(ModelDescriptor descriptor);
}
