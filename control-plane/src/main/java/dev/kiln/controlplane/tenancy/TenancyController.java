package dev.kiln.controlplane.tenancy;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.tenancy.Views.AddMember;
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
    MeView me(Caller caller) {
        return tenancy.me(caller);
    }

    @Get("/organizations")
    List<OrganizationView> organizations(Caller caller) {
        return tenancy.organizations(caller);
    }

    @Post("/organizations")
    HttpResponse<OrganizationView> createOrganization(Caller caller, @Body CreateOrganization body) {
        return HttpResponse.created(writes.createOrganization(caller, body));
    }

    @Get("/organizations/{orgId}")
    OrganizationView organization(Caller caller, UUID orgId) {
        return tenancy.organization(caller, orgId);
    }

    @Get("/organizations/{orgId}/members")
    List<MemberView> members(Caller caller, UUID orgId) {
        return members.list(caller, orgId);
    }

    @Post("/organizations/{orgId}/members")
    HttpResponse<MemberView> addMember(Caller caller, UUID orgId, @Body AddMember body) {
        return HttpResponse.created(members.add(caller, orgId, body));
    }

    @Patch("/organizations/{orgId}/members/{userId}")
    MemberView changeMember(Caller caller, UUID orgId, UUID userId, @Body ChangeMember body) {
        return members.changeRole(caller, orgId, userId, body);
    }

    @Delete("/organizations/{orgId}/members/{userId}")
    HttpResponse<Void> removeMember(Caller caller, UUID orgId, UUID userId) {
        members.remove(caller, orgId, userId);
        return HttpResponse.noContent();
    }

    @Get("/organizations/{orgId}/projects")
    List<ProjectView> projects(Caller caller, UUID orgId) {
        return tenancy.projects(caller, orgId);
    }

    @Post("/organizations/{orgId}/projects")
    HttpResponse<ProjectView> createProject(Caller caller, UUID orgId, @Body ProjectRequest body) {
        return HttpResponse.created(writes.createProject(caller, orgId, body));
    }

    @Get("/projects/{projectId}")
    ProjectView project(Caller caller, UUID projectId) {
        return tenancy.project(caller, projectId);
    }

    @Patch("/projects/{projectId}")
    ProjectView updateProject(Caller caller, UUID projectId, @Body ProjectRequest body) {
        return writes.updateProject(caller, projectId, body);
    }

    @Delete("/projects/{projectId}")
    HttpResponse<Void> deleteProject(Caller caller, UUID projectId) {
        writes.deleteProject(caller, projectId);
        return HttpResponse.noContent();
    }
}
