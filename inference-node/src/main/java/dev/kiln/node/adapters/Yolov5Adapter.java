package dev.kiln.node.adapters;

import ai.onnxruntime.OrtException;
import dev.kiln.node.imaging.Geometry;
import dev.kiln.node.runtime.ModelOutputs;
import dev.kiln.protocol.ModelDescriptor;
import jakarta.inject.Singleton;

import java.util.List;

/** YOLOv5 exports: {@code [1,N,5+C]} rows of cx,cy,w,h, objectness, class scores; confidence = objectness × class. */
@Singleton
public final class Yolov5Adapter implements OutputAdapter {

    @Override
    public String name() {
        return "yolov5";
    }

    @Override
    public List<Prediction> decode(ModelOutputs outputs, ModelDescriptor d, Geometry g) throws OrtException {
        return YoloOutputs.decode(outputs, d, g, true, true);
    }
}
