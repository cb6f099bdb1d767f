package dev.kiln.controlplane.audit;

import dev.kiln.controlplane.auth.Caller;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.util.UUID;

@Controller("/api/v1/audit")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class AuditController {

    private final AuditService audit;

    AuditController(AuditService audit) {
        this.audit = audit;
    }

    @Get
    AuditPage page(Caller caller, @QueryValue @Nullable UUID organizationId, @QueryValue @Nullable UUID projectId,
                   @QueryValue @Nullable Integer page) {
        return audit.page(caller, organizationId, projectId, page);
    }
}
