package dev.kiln.controlplane.keys;

import io.micronaut.core.convert.ConversionContext;
import io.micronaut.data.model.runtime.convert.AttributeConverter;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Postgres uuid[] ⇄ Set&lt;UUID&gt;. Written as text[] (the column transformer casts, Micronaut Data has no
 * uuid-array type); read as whatever the driver hands over (a java.sql.Array of UUIDs or strings). Null stays
 * null: "no restriction" differs from "no deployment".
 */
@Singleton
public class UuidArrayConverter implements AttributeConverter<Set<UUID>, Object> {

    @Override
    public Object convertToPersistedValue(Set<UUID> value, ConversionContext context) {
        return value == null ? null : value.stream().map(UUID::toString).toArray(String[]::new);
    }

    @Override
    public Set<UUID> convertToEntityValue(Object value, ConversionContext context) {
        if (value == null) {
            return null;
        }
        Object elements = value;
        if (value instanceof Array array) {
            try {
                elements = array.getArray();
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot read a uuid[] column", e);
            }
        }
        Set<UUID> ids = new LinkedHashSet<>();
        for (Object element : (Object[]) elements) {
            ids.add(element instanceof UUID uuid ? uuid : UUID.fromString(element.toString()));
        }
        return ids;
    }
}
