package dev.kiln.controlplane.common;

import java.util.List;

/** 404: no such resource (or not visible to the caller; another tenant's id is a 404 too). */
public class NotFoundException extends ApiException {

    public NotFoundException(String message) {
        super(message, List.of());
    }

    @Override
    public int status() {
        return 404;
    }
}
