package dev.kiln.controlplane.deployment;

import dev.kiln.controlplane.common.Problems;
import dev.kiln.protocol.CaptureGroup;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The rules of the {@code captureGroups} setting (DESIGN §7): pure, so create and PATCH validate alike. */
final class CaptureGroupRules {

    static final int MAX_GROUPS = 10;
    static final int MAX_RETENTION_DAYS = 3650;
    private static final Set<String> MODES = Set.of(CaptureGroup.FLAGGED, CaptureGroup.SAMPLE, CaptureGroup.ALL);

    private CaptureGroupRules() {
    }

    /** Names trimmed, modes lower-cased, so "Flagged " and "flagged" are one mode. */
    static List<CaptureGroup> normalized(List<Views.CaptureGroupRequest> groups) {
        return groups.stream().map(g -> g == null ? null : new CaptureGroup(
                g.name() == null ? null : g.name().trim(),
                g.mode() == null ? null : g.mode().trim().toLowerCase(Locale.ROOT), g.rate(), g.retentionDays()))
                .toList();
    }

    /** Adds a problem per bad field, named like {@code captureGroups[1].rate}. */
    static void validate(List<CaptureGroup> groups, Problems problems) {
        if (groups.size() > MAX_GROUPS) {
            problems.add("captureGroups", "at most " + MAX_GROUPS + " groups", "value_error.range");
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < groups.size(); i++) {
            String field = "captureGroups[" + i + "]";
            CaptureGroup g = groups.get(i);
            if (g == null) {
                problems.add(field, "must be an object {name, mode, rate?, retentionDays?}", "value_error.missing");
                continue;
            }
            if (g.name() == null || g.name().isEmpty() || g.name().length() > 64
                    || !g.name().matches("[A-Za-z0-9_.-]+")) {
                problems.add(field + ".name", "must be 1 to 64 letters, digits, '_', '.' or '-'", "value_error.name");
            } else if (!names.add(g.name())) {
                problems.add(field + ".name", "'" + g.name() + "' is used by another group", "value_error.duplicate");
            }
            if (g.mode() == null || !MODES.contains(g.mode())) {
                problems.add(field + ".mode", "must be flagged, sample or all", "value_error.capture_mode");
            } else if (CaptureGroup.SAMPLE.equals(g.mode())) {
                if (g.rate() == null || !(g.rate() > 0 && g.rate() <= 1)) {
                    problems.add(field + ".rate", "must be more than 0 and at most 1 for a sample group",
                            "value_error.range");
                }
            } else if (g.rate() != null) {
                problems.add(field + ".rate", "is only allowed for a sample group", "value_error.rate");
            }
            if (g.retentionDays() != null && (g.retentionDays() < 1 || g.retentionDays() > MAX_RETENTION_DAYS)) {
                problems.add(field + ".retentionDays", "must be between 1 and " + MAX_RETENTION_DAYS,
                        "value_error.range");
            }
        }
    }

    /** One group as the audit log shows it. */
    static String describe(CaptureGroup g) {
        return g.name() + ":" + g.mode() + (g.rate() == null ? "" : "@" + g.rate())
                + (g.retentionDays() == null ? "" : "/" + g.retentionDays() + "d");
    }
}
