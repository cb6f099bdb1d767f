package dev.kiln.controlplane.keys;

/** Published inside the transaction that changed project_keys; the verifier reloads after it commits. */
public record KeysChanged() {
}
