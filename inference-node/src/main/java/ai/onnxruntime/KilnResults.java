package ai.onnxruntime;

/**
 * Makes an {@link OrtSession.Result} from values Kiln created. Output adapters read a {@code Result}; a batched run
 * has to hand each request its own rows as one, and ONNX Runtime keeps that constructor package-private. Living in
 * ONNX Runtime's package (the jar is not sealed) keeps this checked by the compiler, unlike reflection.
 */
public final class KilnResults {
    private KilnResults() {
    }

    /** A result owning {@code values}: closing it closes them. */
    public static OrtSession.Result owning(String[] names, OnnxValue[] values) {
        boolean[] owned = new boolean[values.length];
        java.util.Arrays.fill(owned, true);
        return new OrtSession.Result(names, values, owned);
    }
}
