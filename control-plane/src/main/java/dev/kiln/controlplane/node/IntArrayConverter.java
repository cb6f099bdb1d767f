package dev.kiln.controlplane.node;

import io.micronaut.core.convert.ConversionContext;
import io.micronaut.data.model.runtime.convert.AttributeConverter;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/** Postgres integer[] ⇄ List&lt;Integer&gt; (instances.gpu_indices). */
@Singleton
public class IntArrayConverter implements AttributeConverter<List<Integer>, Object> {

    @Override
    public Object convertToPersistedValue(List<Integer> value, ConversionContext context) {
        return value == null ? new Integer[0] : value.toArray(Integer[]::new);
    }

    @Override
    public List<Integer> convertToEntityValue(Object value, ConversionContext context) {
        if (value == null) {
            return List.of();
        }
        try {
            Object raw = value instanceof Array array ? array.getArray() : value;
            return List.copyOf(Arrays.asList((Integer[]) raw));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read an integer[] column", e);
        }
    }
}
