package dev.kiln.controlplane.quota;

import dev.kiln.controlplane.common.Problems;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.json.tree.JsonNode;

import java.math.BigInteger;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a PATCH body: each field a quota's name with a whole number ≥ 0, or null for the configured default. The
 * body is taken as a JSON tree so that an unknown field is a 400 naming it (not silently dropped) and an explicit
 * null is told apart from a missing field.
 */
final class QuotaChanges {

    private QuotaChanges() {
    }

    static Map<Quota, Optional<Long>> parse(JsonNode body) {
        Problems problems = new Problems();
        if (!body.isObject()) {
            problems.add(new ErrorBody.Detail(List.of("body"), "must be a JSON object",
                    "type_error.object"));
            problems.throwIfAny("The quotas are not valid.");
        }
        Map<Quota, Optional<Long>> changes = new EnumMap<>(Quota.class);
        for (Map.Entry<String, JsonNode> entry : body.entries()) {
            String field = entry.getKey();
            JsonNode value = entry.getValue();
            Optional<Quota> quota = byName(field);
            if (quota.isEmpty()) {
                problems.add(field, "is not a quota; known: instances, gpus, deployments, keys, modelStorageBytes, "
                                + "captureStorageBytes",
                        "value_error.unknown_field");
            } else if (value.isNull()) {
                changes.put(quota.get(), Optional.empty());
            } else if (!value.isNumber() || !whole(value.getNumberValue())) {
                problems.add(field, "must be a whole number", "type_error.integer");
            } else if (!fits(quota.get(), value.getNumberValue())) {
                problems.add(field, "must be between 0 and " + max(quota.get()), "value_error.number.range");
            } else {
                changes.put(quota.get(), Optional.of(value.getNumberValue().longValue()));
            }
        }
        problems.throwIfAny("The quotas are not valid.");
        return changes;
    }

    private static boolean whole(Number value) {
        return value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof BigInteger;
    }

    private static Optional<Quota> byName(String field) {
        for (Quota quota : Quota.values()) {
            if (quota.json().equals(field)) {
                return Optional.of(quota);
            }
        }
        return Optional.empty();
    }

    private static boolean fits(Quota quota, Number value) {
        return !(value instanceof BigInteger big && big.bitLength() > 63)
                && value.longValue() >= 0 && value.longValue() <= max(quota);
    }

    /** Counts are integer columns; bytes a bigint. */
    private static long max(Quota quota) {
        return quota.unit() == Quota.Unit.BYTES ? Long.MAX_VALUE : Integer.MAX_VALUE;
    }
}
