package dev.kiln.controlplane.node;

import dev.kiln.controlplane.common.ChunkPipe;
import dev.kiln.controlplane.model.ArtifactStore;
import io.micronaut.http.MediaType;
import io.micronaut.http.server.types.files.StreamedFile;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Model bytes for nodes: only artifacts of models assigned to the asking node, streamed chunk by chunk
 * from the store through a bounded pipe (never the whole file in memory).
 */
@Singleton
public class ArtifactDownloads {

    private static final Logger LOG = LoggerFactory.getLogger(ArtifactDownloads.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** Chunks in flight between the store and the response (the store writes about 1 MB at a time). */
    private static final int PIPE_CHUNKS = 4;

    private final ArtifactStore store;
    private final InstanceRepository instances;

    ArtifactDownloads(ArtifactStore store, InstanceRepository instances) {
        this.store = store;
        this.instances = instances;
    }

    /** Empty when the hash is malformed, unknown, or not needed by this node. */
    public Optional<StreamedFile> open(UUID nodeId, String sha256) {
        if (!SHA256.matcher(sha256).matches() || !instances.nodeNeedsArtifact(nodeId, sha256)) {
            return Optional.empty();
        }
        return store.size(sha256).map(size -> new StreamedFile(pipe(sha256), MediaType.APPLICATION_OCTET_STREAM_TYPE,
                0, size));
    }

    /** The store writes to an OutputStream; a virtual thread feeds it into the stream the server reads. */
    private InputStream pipe(String sha256) {
        ChunkPipe pipe = new ChunkPipe(PIPE_CHUNKS);
        ChunkPipe.Sink sink = pipe.sink();
        Thread.ofVirtual().name("artifact-" + sha256.substring(0, 12)).start(() -> {
            try {
                store.copyTo(sha256, sink);
                sink.close();
            } catch (IOException | RuntimeException e) {
                // The response is already under way with its Content-Length: the node sees a broken body
                // (and verifies the hash anyway).
                LOG.warn("Streaming artifact {} failed: {}", sha256, e.getMessage());
                sink.fail(e);
            }
        });
        return pipe;
    }
}
