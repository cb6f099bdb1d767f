package dev.kiln.controlplane.tenancy;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.tenancy.Views.MeView;
import dev.kiln.controlplane.tenancy.Views.OrganizationView;
import dev.kiln.controlplane.tenancy.Views.ProjectView;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.util.List;
import java.util.UUID;

@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
class TenancyController {

    private final TenancyService tenancy;

    TenancyController(TenancyService tenancy) {
        this.tenancy = tenancy;
    }

    @Get("/me")
    MeView me(Caller caller) {
        return tenancy.me(caller);
    }

    @Get("/organizations")
    List<OrganizationView> organizations(Caller caller) {
        return tenancy.organizations(caller);
    }

    @Get("/organizations/{orgId}")
    OrganizationView organization(Caller caller, UUID orgId) {
        return tenancy.organization(caller, orgId);
    }

    @Get("/organizations/{orgId}/projects")
    List<ProjectView> projects(Caller caller, UUID orgId) {
        return tenancy.projects(caller, orgId);
    }

    @Get("/projects/{projectId}")
    ProjectView project(Caller caller, UUID projectId) {
        return tenancy.project(caller, projectId);
    }
}
