package dev.kiln.controlplane.model;

import dev.kiln.controlplane.common.InvalidInputException;
import dev.kiln.protocol.DescriptorOptions;
import dev.kiln.protocol.ErrorBody;
import dev.kiln.protocol.InvalidOptionException;
import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Map;

/** An upload's descriptor options, read strictly for their adapter: a typo or a bad value is a 400 naming it. */
final class DescriptorOptionsCheck {
    private DescriptorOptionsCheck() {
    }

    static void check(String adapter, @Nullable Map<String, Object> options) {
        if (options == null || options.isEmpty()) {
            return;
        }
        try {
            DescriptorOptions.strict(adapter, options);
        } catch (InvalidOptionException e) {
            String where = "descriptor.options." + e.option();
            throw new InvalidInputException("The descriptor's option '" + e.option() + "' " + e.getMessage(),
                    List.of(new ErrorBody.Detail(List.of("body", "descriptor", "options", e.option()),
                            where + " " + e.getMessage(), "value_error.option")));
        }
    }
}
