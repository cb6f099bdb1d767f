package dev.kiln.controlplane.logs;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** One page of a deployment's log, newest first; {@code page} counts from 1 (like the audit trail's pages). */
@Serdeable
record LogPage(int page, int pageSize, boolean hasMore, List<LogEntry> items) {
}
