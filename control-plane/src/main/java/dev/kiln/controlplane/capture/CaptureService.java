package dev.kiln.controlplane.capture;

import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.capture.CaptureViews.CapturePage;
import dev.kiln.controlplane.capture.CaptureViews.CaptureView;
import dev.kiln.controlplane.deployment.Deployment;
import dev.kiln.controlplane.deployment.DeploymentRepository;
import dev.kiln.controlplane.tenancy.Access;
import dev.kiln.controlplane.tenancy.Project;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.protocol.CaptureMetadata;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The captures of a deployment as its organization's members see them: VIEWER+ reads, MEMBER+ deletes. */
@Singleton
class CaptureService {

    static final int PAGE_SIZE = 50;
    /** One delete by filter takes at most this many; the answer says how many went, and a caller repeats. */
    static final int MAX_DELETE = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(CaptureService.class);
    private static final Argument<List<CaptureMetadata.Annotation>> ANNOTATIONS =
            Argument.listOf(CaptureMetadata.Annotation.class);

    private final Access access;
    private final DeploymentRepository deployments;
    private final CaptureStore store;
    private final BlobStore blobs;
    private final AuditLog audit;
    private final JsonMapper json;

    CaptureService(Access access, DeploymentRepository deployments, CaptureStore store, BlobStore blobs,
                   AuditLog audit, JsonMapper json) {
        this.access = access;
        this.deployments = deployments;
        this.store = store;
        this.blobs = blobs;
        this.audit = audit;
        this.json = json;
    }

    @ReadOnly
    CapturePage page(Caller caller, CaptureFilter filter, int page) {
        scope(caller, filter.deploymentId(), Role.VIEWER);
        List<Capture> rows = store.page(filter, PAGE_SIZE + 1, (long) (page - 1) * PAGE_SIZE);
        List<CaptureView> items = rows.stream().limit(PAGE_SIZE).map(this::view).toList();
        return new CapturePage(page, PAGE_SIZE, rows.size() > PAGE_SIZE, store.count(filter), items);
    }

    @ReadOnly
    CaptureView get(Caller caller, UUID deploymentId, UUID captureId) {
        scope(caller, deploymentId, Role.VIEWER);
        return view(find(deploymentId, captureId));
    }

    /** The image and its media type; the caller closes the stream. */
    @ReadOnly
    Image image(Caller caller, UUID deploymentId, UUID captureId) {
        scope(caller, deploymentId, Role.VIEWER);
        Capture capture = find(deploymentId, captureId);
        try {
            return new Image(blobs.open(capture.blobKey()), capture.contentType());
        } catch (IOException e) {
            throw new NotFoundException("The image of capture " + captureId + " is gone.");
        }
    }

    record Image(InputStream bytes, String contentType) {
    }

    /** Checks the caller may export, before the first byte of the zip goes out. */
    @ReadOnly
    void requireExport(Caller caller, UUID deploymentId) {
        scope(caller, deploymentId, Role.VIEWER);
    }

    @Transactional
    void delete(Caller caller, UUID deploymentId, UUID captureId) {
        Project project = scope(caller, deploymentId, Role.MEMBER);
        Capture capture = find(deploymentId, captureId);
        remove(capture);
        audit.record(caller.actor(), "capture.delete", target(project, deploymentId),
                Map.of("captureId", captureId.toString()));
    }

    @Transactional
    int delete(Caller caller, CaptureFilter filter) {
        Project project = scope(caller, filter.deploymentId(), Role.MEMBER);
        List<Capture> matching = store.matching(filter, MAX_DELETE);
        matching.forEach(this::remove);
        audit.record(caller.actor(), "capture.delete", target(project, filter.deploymentId()),
                Map.of("deleted", matching.size()));
        return matching.size();
    }

    /** Row first: a blob whose delete fails is an orphan file, never a listed capture without its image. */
    private void remove(Capture capture) {
        store.delete(capture.id());
        try {
            blobs.delete(capture.blobKey());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete the image {} of a deleted capture: {}", capture.blobKey(), e.toString());
        }
    }

    private Capture find(UUID deploymentId, UUID captureId) {
        return store.find(deploymentId, captureId)
                .orElseThrow(() -> new NotFoundException("No capture " + captureId + "."));
    }

    /** Another tenant's deployment is the same 404 as none at all; a member below {@code minimum} gets a 403. */
    private Project scope(Caller caller, UUID deploymentId, Role minimum) {
        Deployment deployment = deployments.findById(deploymentId)
                .orElseThrow(() -> new NotFoundException("No deployment " + deploymentId + "."));
        return access.project(caller, deployment.projectId(), minimum);
    }

    CaptureView view(Capture c) {
        return new CaptureView(c.id(), c.deploymentId(), c.modelVersionId(), c.groups(), c.flagged(), c.score(),
                c.keyPrefix(), c.classNames(), c.contentType(), c.sizeBytes(), c.width(), c.height(),
                c.capturedAt(), c.expiresAt(), annotations(c));
    }

    List<CaptureMetadata.Annotation> annotations(Capture c) {
        try {
            return json.readValue(c.predictions(), ANNOTATIONS);
        } catch (IOException e) {
            throw new UncheckedIOException("Stored predictions are not readable", e);
        }
    }

    private static AuditLog.Target target(Project project, UUID deploymentId) {
        return new AuditLog.Target(project.organizationId(), project.id(), "deployment", deploymentId.toString());
    }
}
