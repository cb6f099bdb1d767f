package dev.kiln.controlplane.quota;

/** The one rule, kept pure so it is tested on its own. */
final class QuotaDecision {

    private QuotaDecision() {
    }

    /** Whether {@code used + adding} goes past {@code limit} (overflow-safe; a limit of 0 allows nothing). */
    static boolean exceeds(long used, long adding, long limit) {
        return adding > 0 && used > limit - adding;
    }
}
