// Prepares what the Jib builds add to the images besides the app (deploy/images/*/pom.xml run it with the app's
// runtime classpath, in the source-launcher mode of `java`, so it never lands in an image itself):
//
//   java -cp <app classpath> ImageExtras.java <out> onnxruntime [cuda] [jre <modules>]
//
// onnxruntime  unpacks ONNX Runtime's native libraries into <out>/opt/kiln/onnxruntime exactly where
//              dev.kiln.onnx.OrtNatives looks at start (KILN_ORT_CACHE=/opt/kiln/onnxruntime), so a container
//              never unpacks them and may run with a read-only root filesystem.
// cuda         adds the CUDA execution provider (OrtNatives adds it only where a GPU is present, which a build
//              machine usually is not; the GPU image needs it).
// jre          links a Java runtime with the given modules into <out>/opt/java/jre from the JDK running this
//              (for base images without Java, i.e. the CUDA one).
import dev.kiln.onnx.OrtNatives;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

class ImageExtras {
    static final String CUDA_PROVIDER = "libonnxruntime_providers_cuda.so";

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]).toAbsolutePath();
        List<String> steps = List.of(args).subList(1, args.length);
        if (steps.contains("onnxruntime")) {
            Path dir = OrtNatives.prepare(out.resolve("opt/kiln/onnxruntime"));
            if (dir == null) {
                throw new IllegalStateException("ONNX Runtime has no linux-x64 natives on this classpath");
            }
            if (steps.contains("cuda") && !Files.exists(dir.resolve(CUDA_PROVIDER))) {
                try (InputStream in = OrtNatives.class.getResourceAsStream(
                        "/ai/onnxruntime/native/linux-x64/" + CUDA_PROVIDER)) {
                    if (in == null) {
                        throw new IllegalStateException("the ONNX Runtime jar has no " + CUDA_PROVIDER
                                + " (onnxruntime_gpu is needed)");
                    }
                    Files.copy(in, dir.resolve(CUDA_PROVIDER), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            System.out.println("ONNX Runtime natives in " + dir);
        }
        int jre = steps.indexOf("jre");
        if (jre >= 0) {
            Path target = out.resolve("opt/java/jre");
            if (Files.exists(target)) {
                try (Stream<Path> old = Files.walk(target)) {
                    old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(target.getParent());
            int status = ToolProvider.findFirst("jlink").orElseThrow().run(System.out, System.err,
                    "--add-modules", steps.get(jre + 1), "--strip-debug", "--no-header-files", "--no-man-pages",
                    "--output", target.toString());
            if (status != 0) {
                throw new IllegalStateException("jlink failed with " + status);
            }
            System.out.println("Java runtime in " + target);
        }
    }
}
