package dev.kiln.controlplane.audit;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** One page of the audit trail; {@code page} counts from 1, {@code hasMore} says whether a next page exists. */
@Serdeable
record AuditPage(int page, int pageSize, boolean hasMore, List<AuditEntry> items) {
}
