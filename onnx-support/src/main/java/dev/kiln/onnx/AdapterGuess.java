package dev.kiln.onnx;

import ai.onnxruntime.TensorInfo;
import dev.kiln.protocol.Task;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Guesses the output adapter and task from output names and shapes: the layouts of torchvision, TensorFlow object
 * detection, YOLOv5/v8, classifiers, probability maps and semantic segmentation are told apart by their outputs.
 *
 * @param outputs role → output tensor name, as the adapter reads them
 */
record AdapterGuess(String adapter, Task task, Map<String, String> outputs) {

    static AdapterGuess of(ModelSignature sig) {
        String boxes = sig.output("boxes");
        String scores = sig.output("scores");
        String labels = sig.output("labels");
        if (boxes != null && scores != null && labels != null) {
            Map<String, String> roles = roles("boxes", boxes, "scores", scores, "labels", labels);
            String masks = sig.output("masks");
            if (masks != null) {
                roles.put("masks", masks);
                return new AdapterGuess("torchvision", Task.INSTANCE_SEGMENTATION, roles);
            }
            return new AdapterGuess("torchvision", Task.OBJECT_DETECTION, roles);
        }
        String tfBoxes = sig.output("detection_boxes");
        String tfScores = sig.output("detection_scores");
        String tfClasses = sig.output("detection_classes");
        if (tfBoxes != null && tfScores != null && tfClasses != null) {
            Map<String, String> roles = roles("boxes", tfBoxes, "scores", tfScores, "classes", tfClasses);
            String num = sig.output("num_detections");
            if (num != null) {
                roles.put("count", num);
            }
            return new AdapterGuess("tf_od", Task.OBJECT_DETECTION, roles);
        }
        if (sig.outputs().size() == 1) {
            var only = sig.outputs().entrySet().iterator().next();
            return single(only.getKey(), only.getValue());
        }
        return new AdapterGuess("raw", Task.RAW, Map.of());
    }

    private static AdapterGuess single(String name, TensorInfo info) {
        long[] s = info.getShape();
        Map<String, String> roles = roles("output", name);
        if (s.length == 2) {
            return new AdapterGuess("classification", Task.CLASSIFICATION, roles);
        }
        if (s.length == 3 && s[1] > 0 && s[2] > 0) {
            // YOLOv8 puts the 4 + classes rows first ([1, 84, 8400]); YOLOv5 puts the candidates first ([1, 25200, 85]).
            return s[1] < s[2]
                    ? new AdapterGuess("yolov8", Task.OBJECT_DETECTION, roles)
                    : new AdapterGuess("yolov5", Task.OBJECT_DETECTION, roles);
        }
        if (s.length == 4 && s[1] == 1) {
            return new AdapterGuess("prob_map", Task.OBJECT_DETECTION, roles);
        }
        if (s.length == 4 && s[1] > 1) {
            return new AdapterGuess("semantic_segmentation", Task.SEMANTIC_SEGMENTATION, roles);
        }
        return new AdapterGuess("raw", Task.RAW, roles);
    }

    private static Map<String, String> roles(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** The task an adapter implies, for when only the adapter is given at upload. */
    static Task taskOf(String adapter) {
        return switch (adapter) {
            case "classification" -> Task.CLASSIFICATION;
            case "semantic_segmentation" -> Task.SEMANTIC_SEGMENTATION;
            case "raw" -> Task.RAW;
            default -> Task.OBJECT_DETECTION;
        };
    }
}
