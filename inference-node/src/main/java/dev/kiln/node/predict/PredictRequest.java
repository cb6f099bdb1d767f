package dev.kiln.node.predict;

import dev.kiln.node.imaging.RgbArray;
import dev.kiln.node.routines.RoutineCall;

import java.util.List;

/**
 * A parsed DESIGN §4.1 body. Exactly one of {@code text} (url or base64) and {@code array} is set, matching
 * {@code imageType}.
 */
record PredictRequest(ImageType imageType, String text, RgbArray array, List<RoutineCall> routines) {

    enum ImageType {
        URL, BASE64, ARRAY
    }
}
