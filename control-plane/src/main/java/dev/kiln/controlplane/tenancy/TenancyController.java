package dev.kiln.controlplane.tenancy;

import dev.kiln.protocol.ErrorBody;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.tenancy.Views.ChangeMember;
import dev.kiln.controlplane.tenancy.Views.CreateOrganization;
import dev.kiln.controlplane.tenancy.Views.MeView;
import dev.kiln.controlplane.tenancy.Views.MemberView;
import dev.kiln.controlplane.tenancy.Views.OrganizationView;
import dev.kiln.controlplane.tenancy.Views.ProjectRequest;
import dev.kiln.controlplane.tenancy.Views.ProjectView;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.util.List;
import java.util.UUID;

@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Tenancy")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class TenancyController {

    private final TenancyService tenancy;
    private final TenancyWrites writes;
    private final MemberService members;

    TenancyController(TenancyService tenancy, TenancyWrites writes, MemberService members) {
        this.tenancy = tenancy;
        this.writes = writes;
        this.members = members;
    }

    @Get("/me")
    MeView me(@Parameter(hidden = true) Caller caller) {
        return tenancy.me(caller);
    }

    @Get("/organizations")
    List<OrganizationView> organizations(@Parameter(hidden = true) Caller caller) {
        return tenancy.organizations(caller);
    }

    @Post("/organizations")
    HttpResponse<OrganizationView> createOrganization(@Parameter(hidden = true) Caller caller, @Body CreateOrganization body) {
        return HttpResponse.created(writes.createOrganization(caller, body));
    }

    @Get("/organizations/{orgId}")
    OrganizationView organization(@Parameter(hidden = true) Caller caller, UUID orgId) {
        return tenancy.organization(caller, orgId);
    }

    @Get("/organizations/{orgId}/members")
    List<MemberView> members(@Parameter(hidden = true) Caller caller, UUID orgId) {
        return members.list(caller, orgId);
    }

    @Patch("/organizations/{orgId}/members/{userId}")
    MemberView changeMember(@Parameter(hidden = true) Caller caller, UUID orgId, UUID userId, @Body ChangeMember body) {
        return members.changeRole(caller, orgId, userId, body);
    }

    @Delete("/organizations/{orgId}/members/{userId}")
    HttpResponse<Void> removeMember(@Parameter(hidden = true) Caller caller, UUID orgId, UUID userId) {
        members.remove(caller, orgId, userId);
        return HttpResponse.noContent();
    }

    @Get("/organizations/{orgId}/projects")
    List<ProjectView> projects(@Parameter(hidden = true) Caller caller, UUID orgId) {
        return tenancy.projects(caller, orgId);
    }

    @Post("/organizations/{orgId}/projects")
    HttpResponse<ProjectView> createProject(@Parameter(hidden = true) Caller caller, UUID orgId, @Body ProjectRequest body) {
        return HttpResponse.created(writes.createProject(caller, orgId, body));
    }

    @Get("/projects/{projectId}")
    ProjectView project(@Parameter(hidden = true) Caller caller, UUID projectId) {
        return tenancy.project(caller, projectId);
    }

    @Patch("/projects/{projectId}")
    ProjectView updateProject(@Parameter(hidden = true) Caller caller, UUID projectId, @Body ProjectRequest body) {
        return writes.updateProject(caller, projectId, body);
    }

    @Delete("/projects/{projectId}")
    HttpResponse<Void> deleteProject(@Parameter(hidden = true) Caller caller, UUID projectId) {
        writes.deleteProject(caller, projectId);
        return HttpResponse.noContent();
    }
}
