package dev.kiln.controlplane.deployment;

import dev.kiln.protocol.CaptureGroup;
import io.micronaut.core.convert.ConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.data.model.runtime.convert.AttributeConverter;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** deployments.capture_groups (a JSON array in a text column) ⇄ the groups. */
@Singleton
public class CaptureGroupsConverter implements AttributeConverter<List<CaptureGroup>, String> {

    private static final Argument<List<CaptureGroup>> TYPE = Argument.listOf(CaptureGroup.class);

    private final JsonMapper json;

    CaptureGroupsConverter(JsonMapper json) {
        this.json = json;
    }

    @Override
    public String convertToPersistedValue(List<CaptureGroup> value, ConversionContext context) {
        try {
            return value == null ? "[]" : json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<CaptureGroup> convertToEntityValue(String value, ConversionContext context) {
        try {
            return value == null || value.isBlank() ? List.of() : List.copyOf(json.readValue(value, TYPE));
        } catch (IOException e) {
            throw new UncheckedIOException("Stored capture groups are not readable", e);
        }
    }
}
