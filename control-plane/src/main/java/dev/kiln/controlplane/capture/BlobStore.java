package dev.kiln.controlplane.capture;

import java.io.IOException;
import java.io.InputStream;

/** Where captured images live: a folder by default, any S3-compatible store by configuration. Keys are paths. */
public interface BlobStore {

    void put(String key, byte[] bytes, String contentType) throws IOException;

    /** The blob's bytes; the caller closes the stream. {@link java.io.FileNotFoundException} when there is none. */
    InputStream open(String key) throws IOException;

    /** Deletes the blob; deleting one that is not there is no error. */
    void delete(String key) throws IOException;
}
