/**
 * Records shared on the wire between the control plane and inference nodes. Internal API paths
 * live in {@link dev.kiln.protocol.InternalPaths}; the public error body is {@link ErrorBody}.
 */
package dev.kiln.protocol;
