package dev.kiln.controlplane.model;

import dev.kiln.controlplane.common.ApiException;

import java.util.List;

/** 413: the model file is larger than KILN_MODEL_MAX_BYTES. */
class UploadTooLargeException extends ApiException {

    UploadTooLargeException(long limit) {
        super("The model file is larger than the limit of " + limit + " bytes.", List.of());
    }

    @Override
    public int status() {
        return 413;
    }
}
