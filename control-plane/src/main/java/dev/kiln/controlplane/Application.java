package dev.kiln.controlplane;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.security.SecuritySchemes;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Control plane entry point: management API, gateway, scheduler and the static dashboard in one process. */
@OpenAPIDefinition(
        info = @Info(title = "Kiln", version = "0.1.0",
                description = "Multi-tenant ONNX model serving. The management API (/api/v1/**) takes a JWT from "
                        + "POST /api/v1/auth/login; the data plane (/{deploymentId}/predict and friends) takes a "
                        + "project key (kiln_...). Every error has the body of the ErrorBody schema; data-plane responses "
                        + "carry X-Predict-Id.",
                license = @License(name = "Apache-2.0")),
        tags = {
                @Tag(name = "Auth", description = "Log in, refresh and log out"),
                @Tag(name = "Tenancy", description = "Organizations, members and projects"),
                @Tag(name = "Models", description = "Models and their uploaded versions"),
                @Tag(name = "Deployments", description = "Deployments of model versions and their instances"),
                @Tag(name = "Keys", description = "Project keys for the data plane"),
                @Tag(name = "Fleet", description = "Inference nodes"),
                @Tag(name = "Audit", description = "Audit log"),
                @Tag(name = "Prediction", description = "Data plane: predictions on a deployment"),
                @Tag(name = "Compatibility", description = "Data plane: KServe v1/v2 and TorchServe-style endpoints")})
@SecuritySchemes({
        @SecurityScheme(name = "bearerAuth", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
                description = "Access token from POST /api/v1/auth/login, for /api/v1/**"),
        @SecurityScheme(name = "projectKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
                bearerFormat = "kiln project key",
                description = "A project key secret (kiln_...), for the data plane")})
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(Application.class).banner(false).start();
    }
}
