package dev.kiln.node.adapters;

import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/** A prediction's class: id, and the descriptor's name for it or {@code class_<id>}. */
@Serdeable
public record Tag(int id, String name) {

    public static Tag of(int id, Map<Integer, String> labels) {
        String name = labels == null ? null : labels.get(id);
        return new Tag(id, name == null || name.isBlank() ? "class_" + id : name);
    }
}
