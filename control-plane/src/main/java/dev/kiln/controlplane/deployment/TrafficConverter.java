package dev.kiln.controlplane.deployment;

import io.micronaut.core.convert.ConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.data.model.runtime.convert.AttributeConverter;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** deployments.traffic (jsonb, NULL for none) ⇄ the list of {@link TrafficSplit} (empty for none). */
@Singleton
public class TrafficConverter implements AttributeConverter<List<TrafficSplit>, String> {

    private static final Argument<List<TrafficSplit>> TYPE = Argument.listOf(TrafficSplit.class);

    private final JsonMapper json;

    TrafficConverter(JsonMapper json) {
        this.json = json;
    }

    @Override
    public String convertToPersistedValue(List<TrafficSplit> value, ConversionContext context) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<TrafficSplit> convertToEntityValue(String value, ConversionContext context) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        try {
            return List.copyOf(json.readValue(value, TYPE));
        } catch (IOException e) {
            throw new UncheckedIOException("Stored traffic list is not readable", e);
        }
    }
}
