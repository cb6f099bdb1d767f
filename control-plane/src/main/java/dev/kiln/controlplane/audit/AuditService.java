package dev.kiln.controlplane.audit;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.ForbiddenException;
import dev.kiln.controlplane.common.InvalidInputException;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.tenancy.Access;
import dev.kiln.controlplane.tenancy.Project;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.controlplane.tenancy.User;
import dev.kiln.controlplane.tenancy.UserRepository;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The audit trail as its readers see it: ADMIN and OWNER of the organization only, newest first, in pages. */
@Singleton
class AuditService {

    static final int PAGE_SIZE = 50;
    /** Deep paging through OFFSET gets slow; 10,000 pages of 50 is far beyond what a person reads. */
    static final int MAX_PAGE = 10_000;

    private final Access access;
    private final AuditEventRepository events;
    private final JsonMapper json;
    private final UserRepository users;

    AuditService(Access access, AuditEventRepository events, JsonMapper json, UserRepository users) {
        this.access = access;
        this.users = users;
        this.events = events;
        this.json = json;
    }

    AuditPage page(Caller caller, @Nullable UUID organizationId, @Nullable UUID projectId, @Nullable Integer page) {
        if (organizationId == null) {
            throw new InvalidInputException("organizationId is required.",
                    List.of(new ErrorBody.Detail(List.of("query", "organizationId"),
                            "field required", "value_error.missing")));
        }
        int number = pageNumber(page);
        access.organization(caller, organizationId, Role.ADMIN);
        if (projectId != null) {
            // A project of another organization is as unknown here as everywhere else.
            Project project = access.project(caller, projectId, Role.VIEWER);
            if (!project.organizationId().equals(organizationId)) {
                throw new NotFoundException("No project " + projectId + ".");
            }
        }
        List<AuditEvent> rows = events.page(organizationId, projectId, PAGE_SIZE + 1, (long) (number - 1) * PAGE_SIZE);
        List<AuditEntry> items = rows.stream().limit(PAGE_SIZE).map(this::entry).toList();
        return new AuditPage(number, PAGE_SIZE, rows.size() > PAGE_SIZE, items);
    }

    /** The fleet's trail (node registrations, refused attempts, revocations): operators only, like the fleet. */
    AuditPage fleetPage(Caller caller, @Nullable Integer page) {
        int number = pageNumber(page);
        if (!users.findById(caller.userId()).map(User::operator).orElse(false)) {
            throw new ForbiddenException("Only operators may read the fleet's audit trail.");
        }
        List<AuditEvent> rows = events.fleetPage(PAGE_SIZE + 1, (long) (number - 1) * PAGE_SIZE);
        List<AuditEntry> items = rows.stream().limit(PAGE_SIZE).map(this::entry).toList();
        return new AuditPage(number, PAGE_SIZE, rows.size() > PAGE_SIZE, items);
    }

    private static int pageNumber(@Nullable Integer page) {
        int number = page == null ? 1 : page;
        if (number < 1 || number > MAX_PAGE) {
            throw new InvalidInputException("page must be between 1 and " + MAX_PAGE + ".",
                    List.of(new ErrorBody.Detail(List.of("query", "page"),
                            "must be between 1 and " + MAX_PAGE, "value_error.range")));
        }
        return number;
    }

    private AuditEntry entry(AuditEvent e) {
        return new AuditEntry(e.id(), e.organizationId(), e.projectId(), e.actorUserId(), e.actor(), e.action(),
                e.targetType(), e.targetId(), detail(e.detail()), e.remoteAddress(), e.createdAt());
    }

    private Map<String, Object> detail(String raw) {
        try {
            return json.readValue(raw, Argument.mapOf(String.class, Object.class));
        } catch (IOException e) {
            return Map.of();
        }
    }
}
