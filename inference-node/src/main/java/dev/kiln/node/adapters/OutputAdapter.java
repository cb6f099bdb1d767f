package dev.kiln.node.adapters;

import ai.onnxruntime.OrtException;
import dev.kiln.node.imaging.Geometry;
import dev.kiln.node.runtime.ModelOutputs;
import dev.kiln.protocol.ModelDescriptor;

import java.util.List;

/** Turns one output layout (DESIGN §5) into predictions, best first; annotation ids are assigned later. */
public interface OutputAdapter {
    /** The descriptor's {@code outputAdapter} value this adapter serves. */
    String name();

    List<Prediction> decode(ModelOutputs outputs, ModelDescriptor descriptor, Geometry geometry)
            throws OrtException;
}
