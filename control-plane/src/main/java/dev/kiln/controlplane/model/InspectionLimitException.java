package dev.kiln.controlplane.model;

import dev.kiln.controlplane.common.ApiException;

import java.util.List;

/** 422: inspecting the model went past its memory or time limit; the message says which. */
class InspectionLimitException extends ApiException {

    InspectionLimitException(String message) {
        super(message, List.of());
    }

    @Override
    public int status() {
        return 422;
    }
}
