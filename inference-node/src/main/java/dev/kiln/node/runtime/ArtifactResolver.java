package dev.kiln.node.runtime;

import dev.kiln.protocol.Assignment;

import java.io.IOException;
import java.nio.file.Path;

/** Where an assignment's model file comes from: the verified cache for the agent, a local file for tests and tools. */
@FunctionalInterface
public interface ArtifactResolver {
    Path resolve(Assignment assignment) throws IOException;
}
