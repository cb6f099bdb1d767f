package dev.kiln.controlplane.capture;

import dev.kiln.protocol.CaptureMetadata;
import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A zip of the captured images ({@code images/<captureId>.jpg|png}) and {@code annotations.json} in COCO form:
 * boxes in pixels, polygons for masks and text regions, categories by class name. Images are streamed into the zip
 * one at a time, page by page; only the small COCO records are kept until the end, where the JSON is written.
 */
@Singleton
class CocoExport {

    static final int BATCH = 100;

    private final CaptureStore store;
    private final BlobStore blobs;
    private final CaptureService captures;
    private final JsonMapper json;

    CocoExport(CaptureStore store, BlobStore blobs, CaptureService captures, JsonMapper json) {
        this.store = store;
        this.blobs = blobs;
        this.captures = captures;
        this.json = json;
    }

    @Serdeable
    record Coco(Map<String, Object> info, List<Image> images, List<Annotation> annotations,
                List<Category> categories) {
    }

    @Serdeable
    record Image(int id, String file_name, int width, int height, String date_captured, String capture_id) {
    }

    @Serdeable
    record Annotation(int id, int image_id, int category_id, List<Double> bbox, double area, int iscrowd,
                      List<List<Double>> segmentation, double score) {
    }

    @Serdeable
    record Category(int id, String name) {
    }

    void write(CaptureFilter filter, OutputStream out, Instant now) throws IOException {
        List<Image> images = new ArrayList<>();
        List<Annotation> annotations = new ArrayList<>();
        Map<String, Integer> categories = new LinkedHashMap<>();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (long offset = 0; ; offset += BATCH) {
                List<Capture> batch = store.page(filter, BATCH, offset);
                for (Capture capture : batch) {
                    String file = "images/" + capture.blobKey().substring(capture.blobKey().lastIndexOf('/') + 1);
                    if (!copy(capture, file, zip)) {
                        continue;
                    }
                    Image image = new Image(images.size() + 1, file, capture.width(), capture.height(),
                            capture.capturedAt().toString(), capture.id().toString());
                    images.add(image);
                    for (CaptureMetadata.Annotation a : captures.annotations(capture)) {
                        coco(a, image, categories, annotations.size() + 1).ifPresent(annotations::add);
                    }
                }
                if (batch.size() < BATCH) {
                    break;
                }
            }
            zip.putNextEntry(new ZipEntry("annotations.json"));
            List<Category> categoryList = categories.entrySet().stream()
                    .map(e -> new Category(e.getValue(), e.getKey())).toList();
            zip.write(json.writeValueAsBytes(new Coco(Map.of("description", "Kiln captures of deployment "
                    + filter.deploymentId(), "date_created", now.toString()), images, annotations, categoryList)));
            zip.closeEntry();
        }
    }

    /** False when the image is gone (deleted meanwhile): the capture is then left out. */
    private boolean copy(Capture capture, String file, ZipOutputStream zip) throws IOException {
        InputStream in;
        try {
            in = blobs.open(capture.blobKey());
        } catch (java.io.FileNotFoundException e) {
            return false;
        }
        try (in) {
            zip.putNextEntry(new ZipEntry(file));
            in.transferTo(zip);
            zip.closeEntry();
        }
        return true;
    }

    /** A COCO annotation of a prediction with a box; classification labels have none and only add a category. */
    static java.util.Optional<Annotation> coco(CaptureMetadata.Annotation a, Image image,
                                               Map<String, Integer> categories, int id) {
        String name = a.tag() == null || a.tag().name() == null ? "unknown" : a.tag().name();
        int category = categories.computeIfAbsent(name, n -> categories.size() + 1);
        if (a.bound() == null || a.bound().isEmpty()) {
            return java.util.Optional.empty();
        }
        double minX = 1, minY = 1, maxX = 0, maxY = 0;
        for (List<Double> p : a.bound()) {
            minX = Math.min(minX, p.get(0));
            minY = Math.min(minY, p.get(1));
            maxX = Math.max(maxX, p.get(0));
            maxY = Math.max(maxY, p.get(1));
        }
        double w = image.width(), h = image.height();
        List<Double> bbox = List.of(px(minX * w), px(minY * h), px((maxX - minX) * w), px((maxY - minY) * h));
        List<List<Double>> segmentation = new ArrayList<>();
        if (a.contour() != null && a.contour().size() >= 3) {
            List<Double> polygon = new ArrayList<>();
            for (List<Double> p : a.contour()) {
                polygon.add(px(p.get(0) * w));
                polygon.add(px(p.get(1) * h));
            }
            segmentation.add(polygon);
        }
        return java.util.Optional.of(new Annotation(id, image.id(), category, bbox, px(bbox.get(2) * bbox.get(3)), 0,
                segmentation, a.confidence()));
    }

    private static double px(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
