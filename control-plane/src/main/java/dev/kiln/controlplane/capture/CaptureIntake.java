package dev.kiln.controlplane.capture;

import dev.kiln.controlplane.node.Node;
import dev.kiln.controlplane.quota.Quota;
import dev.kiln.controlplane.quota.Quotas;
import dev.kiln.protocol.CaptureGroup;
import dev.kiln.protocol.CaptureMetadata;
import io.micronaut.core.type.Argument;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Stores what a node captured: only for an instance of that node, into groups its deployment has, within the
 * organization's capture storage quota (past it the capture is refused and counted by the node; the prediction it
 * came from was answered long before). The blob is written first and the row after, so a listed capture always has
 * its image; a row that cannot be written takes its blob back.
 */
@Singleton
class CaptureIntake {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureIntake.class);

    private final JdbcOperations jdbc;
    private final CaptureStore store;
    private final BlobStore blobs;
    private final Quotas quotas;
    private final JsonMapper json;
    private final Clock clock;

    CaptureIntake(JdbcOperations jdbc, CaptureStore store, BlobStore blobs, Quotas quotas, JsonMapper json,
                  Clock clock) {
        this.jdbc = jdbc;
        this.store = store;
        this.blobs = blobs;
        this.quotas = quotas;
        this.json = json;
        this.clock = clock;
    }

    /** The instance's deployment as the capture needs it. */
    private record Target(UUID organizationId, List<CaptureGroup> groups) {
    }

    @Transactional
    IntakeOutcome store(Node node, CaptureMetadata meta, byte[] image) {
        Optional<Target> target = target(node.id(), meta.instanceId(), meta.deploymentId());
        if (target.isEmpty()) {
            return new IntakeOutcome.Refused(404, "Instance " + meta.instanceId() + " of deployment "
                    + meta.deploymentId() + " is not assigned to this node.");
        }
        List<CaptureGroup> groups = target.get().groups().stream()
                .filter(g -> meta.groups() != null && meta.groups().contains(g.name())).toList();
        if (groups.isEmpty()) {
            return new IntakeOutcome.Refused(409, "The deployment has none of the capture groups " + meta.groups()
                    + " (any more).");
        }
        String contentType = ImageTypes.sniff(image).orElse(null);
        if (contentType == null) {
            return new IntakeOutcome.Refused(415, "A capture's image must be a JPEG or PNG.");
        }
        UUID organizationId = target.get().organizationId();
        if (!quotas.fits(organizationId, Quota.CAPTURE_STORAGE_BYTES, image.length)) {
            return new IntakeOutcome.Refused(403, "The organization's captureStorageBytes quota is reached.");
        }
        Capture capture = capture(meta, organizationId, groups, contentType, image.length);
        try {
            blobs.put(capture.blobKey(), image, contentType);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the capture's image", e);
        }
        try {
            store.insert(capture);
        } catch (RuntimeException e) {
            deleteQuietly(capture.blobKey());
            throw e;
        }
        return new IntakeOutcome.Stored(capture.id());
    }

    private Capture capture(CaptureMetadata meta, UUID organizationId, List<CaptureGroup> groups, String contentType,
                            long size) {
        UUID id = UUID.randomUUID();
        int retentionDays = groups.stream().mapToInt(CaptureGroup::retentionDaysOrDefault).max().orElseThrow();
        Instant now = clock.instant();
        Instant capturedAt = meta.capturedAt() == null || meta.capturedAt().isAfter(now) ? now : meta.capturedAt();
        List<CaptureMetadata.Annotation> predictions = meta.predictions() == null ? List.of() : meta.predictions();
        List<String> classNames = predictions.stream().map(p -> p.tag() == null ? null : p.tag().name())
                .filter(n -> n != null).distinct().toList();
        String extension = contentType.equals("image/png") ? ".png" : ".jpg";
        return new Capture(id, organizationId, meta.deploymentId(), meta.modelVersionId(), meta.instanceId(),
                groups.stream().map(CaptureGroup::name).toList(), meta.flagged(), meta.score(), meta.keyPrefix(),
                classNames, write(predictions), organizationId + "/" + meta.deploymentId() + "/" + id + extension,
                contentType, size, Math.max(0, meta.width()), Math.max(0, meta.height()), capturedAt,
                capturedAt.plus(Duration.ofDays(retentionDays)));
    }

    private Optional<Target> target(UUID nodeId, UUID instanceId, UUID deploymentId) {
        return jdbc.prepareStatement("""
                SELECT p.organization_id, d.capture_groups FROM instances i
                JOIN deployments d ON d.id = i.deployment_id JOIN projects p ON p.id = d.project_id
                WHERE i.id = ? AND i.node_id = ? AND i.deployment_id = ?""", s -> {
            s.setObject(1, instanceId);
            s.setObject(2, nodeId);
            s.setObject(3, deploymentId);
            try (var rows = s.executeQuery()) {
                return rows.next() ? Optional.of(new Target(rows.getObject(1, UUID.class), groups(rows.getString(2))))
                        : Optional.empty();
            }
        });
    }

    private List<CaptureGroup> groups(String text) {
        try {
            return json.readValue(text, Argument.listOf(CaptureGroup.class));
        } catch (IOException e) {
            throw new UncheckedIOException("Stored capture groups are not readable", e);
        }
    }

    private String write(List<CaptureMetadata.Annotation> predictions) {
        try {
            return json.writeValueAsString(predictions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void deleteQuietly(String key) {
        try {
            blobs.delete(key);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete the blob {} of a capture that was not stored: {}", key, e.toString());
        }
    }
}
