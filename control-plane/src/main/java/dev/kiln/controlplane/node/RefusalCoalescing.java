package dev.kiln.controlplane.node;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a refused registration gets an audit row of its own or is counted into the last one: repeated refusals of
 * one node name from one source address within the window make one row with a count, so an impostor retrying in a
 * loop writes at most one row per window instead of one per attempt.
 */
final class RefusalCoalescing {

    private RefusalCoalescing() {
    }

    /** The latest refusal row of this (name, source address): its id and when its first attempt was. */
    record Latest(long id, Instant firstAt) {
    }

    sealed interface Decision {
        record NewRow() implements Decision {
        }

        record CountInto(long id) implements Decision {
        }
    }

    static Decision decide(Optional<Latest> latest, Instant now, Duration window) {
        return latest.filter(row -> now.isBefore(row.firstAt().plus(window)) && !now.isBefore(row.firstAt()))
                .<Decision>map(row -> new Decision.CountInto(row.id()))
                .orElseGet(Decision.NewRow::new);
    }
}
