package dev.kiln.controlplane.model;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;

import java.time.Duration;

/**
 * The child process that inspects an uploaded model ({@code kiln.model-inspection.*}).
 *
 * @param timeout      wall-clock limit (KILN_MODEL_INSPECT_TIMEOUT); past it the process is killed and the upload is
 *                     a 422
 * @param heap         its -Xmx
 * @param directMemory its -XX:MaxDirectMemorySize
 * @param addressSpace its virtual memory limit (ulimit -v), which bounds ONNX Runtime's native arena too
 */
@ConfigurationProperties("kiln.model-inspection")
public record InspectionConfig(@Bindable(defaultValue = "60s") Duration timeout,
                               @Bindable(defaultValue = "256MB") @ReadableBytes long heap,
                               @Bindable(defaultValue = "64MB") @ReadableBytes long directMemory,
                               @Bindable(defaultValue = "4GB") @ReadableBytes long addressSpace) {
}
