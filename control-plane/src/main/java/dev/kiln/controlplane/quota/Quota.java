package dev.kiln.controlplane.quota;

import java.util.Locale;

/** The per-organization quotas (DESIGN §8), by their API name, column and unit. */
public enum Quota {
    INSTANCES("instances", "instances", Unit.COUNT),
    GPUS("gpus", "gpus", Unit.COUNT),
    DEPLOYMENTS("deployments", "deployments", Unit.COUNT),
    KEYS("keys", "keys", Unit.COUNT),
    MODEL_STORAGE_BYTES("modelStorageBytes", "model_storage_bytes", Unit.BYTES),
    CAPTURE_STORAGE_BYTES("captureStorageBytes", "capture_storage_bytes", Unit.BYTES);

    /** How a quota is measured, as the API names it. */
    public enum Unit {
        COUNT, BYTES;

        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String json;
    private final String column;
    private final Unit unit;

    Quota(String json, String column, Unit unit) {
        this.json = json;
        this.column = column;
        this.unit = unit;
    }

    public String json() {
        return json;
    }

    String column() {
        return column;
    }

    Unit unit() {
        return unit;
    }

    /** The 403 sentence of DESIGN §4.3: names the quota and its limit. */
    String reached(long limit) {
        return "The organization's " + json + " quota (" + limit + (unit == Unit.BYTES ? " bytes" : "")
                + ") is reached.";
    }
}
