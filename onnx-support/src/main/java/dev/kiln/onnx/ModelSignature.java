package dev.kiln.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.util.LinkedHashMap;
import java.util.Map;

/** The tensors a loaded model takes and gives, and its custom metadata, in declaration order. */
record ModelSignature(Map<String, TensorInfo> inputs, Map<String, TensorInfo> outputs, Map<String, String> metadata) {

    static ModelSignature of(OrtSession session) throws InvalidModelException {
        try {
            return new ModelSignature(tensors(session.getInputInfo(), "input"),
                    tensors(session.getOutputInfo(), "output"), session.getMetadata().getCustomMetadata());
        } catch (OrtException e) {
            throw new InvalidModelException("The model's signature could not be read: " + e.getMessage(), e);
        }
    }

    private static Map<String, TensorInfo> tensors(Map<String, NodeInfo> nodes, String kind)
            throws InvalidModelException {
        Map<String, TensorInfo> result = new LinkedHashMap<>();
        for (NodeInfo node : nodes.values()) {
            if (!(node.getInfo() instanceof TensorInfo tensor)) {
                throw new InvalidModelException("The model's " + kind + " '" + node.getName()
                        + "' is not a tensor; only tensor inputs and outputs are supported.");
            }
            result.put(node.getName(), tensor);
        }
        return result;
    }

    /** The output whose name is {@code name} or ends with it (exporters add prefixes and suffixes), or null. */
    String output(String name) {
        if (outputs.containsKey(name)) {
            return name;
        }
        return outputs.keySet().stream()
                .filter(o -> o.equalsIgnoreCase(name) || o.toLowerCase(java.util.Locale.ROOT).startsWith(name + ":"))
                .findFirst().orElse(null);
    }
}
