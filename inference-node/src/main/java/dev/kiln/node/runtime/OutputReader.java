package dev.kiln.node.runtime;

import ai.onnxruntime.OrtException;

/** Turns a run's outputs into a result on the inference thread, while the outputs are still alive. */
@FunctionalInterface
public interface OutputReader<T> {
    T read(ModelOutputs outputs) throws OrtException;
}
