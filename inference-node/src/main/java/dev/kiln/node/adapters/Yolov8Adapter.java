package dev.kiln.node.adapters;

import ai.onnxruntime.OrtException;
import dev.kiln.node.imaging.Geometry;
import dev.kiln.node.runtime.ModelOutputs;
import dev.kiln.protocol.ModelDescriptor;
import jakarta.inject.Singleton;

import java.util.List;

/** YOLOv8 exports: {@code [1,4+C,N]}, one column per candidate of cx,cy,w,h and class scores (no objectness). */
@Singleton
public final class Yolov8Adapter implements OutputAdapter {

    @Override
    public String name() {
        return "yolov8";
    }

    @Override
    public List<Prediction> decode(ModelOutputs outputs, ModelDescriptor d, Geometry g) throws OrtException {
        return YoloOutputs.decode(outputs, d, g, false, false);
    }
}
