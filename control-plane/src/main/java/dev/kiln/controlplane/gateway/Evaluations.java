package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.auth.AccountStates;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.deployment.Deployment;
import dev.kiln.controlplane.deployment.DeploymentRepository;
import dev.kiln.controlplane.keys.VerifiedKey;
import dev.kiln.controlplane.tenancy.Access;
import dev.kiln.controlplane.tenancy.Project;
import dev.kiln.controlplane.tenancy.Role;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;

/**
 * Who may evaluate a deployment from the dashboard (DESIGN §4.4): a signed-in MEMBER or higher of its project.
 * The caller then stands in for a project key scoped to that deployment, so the gateway's limits apply to it as to
 * a key: its own token bucket at the project's default rate (else the gateway's), its own concurrency limit.
 */
@Singleton
class Evaluations {

    /** What a key prefix is in logs; no key exists behind it. */
    static final String PREFIX = "session";

    private final AccountStates accounts;
    private final DeploymentRepository deployments;
    private final Access access;

    Evaluations(AccountStates accounts, DeploymentRepository deployments, Access access) {
        this.accounts = accounts;
        this.deployments = deployments;
        this.access = access;
    }

    /** Blocks on the database: 401 for an ended session, 404 for no such or another tenant's, 403 below MEMBER. */
    VerifiedKey authorize(Caller caller, UUID deploymentId, HttpRequest<?> request) {
        accounts.require(request); // the account gate is off for this path, so the body is not buffered
        Deployment deployment = deployments.findById(deploymentId).orElseThrow(() -> missing(deploymentId));
        Project project;
        try {
            project = access.project(caller, deployment.projectId(), Role.MEMBER);
        } catch (NotFoundException e) {
            throw missing(deploymentId);
        }
        return new VerifiedKey(standIn(caller), project.id(), PREFIX, Set.of(deploymentId),
                project.defaultRateLimitPerSecond());
    }

    /** A stable id per caller, never one of a real key (those are random UUIDs, this a name-based one). */
    static UUID standIn(Caller caller) {
        return UUID.nameUUIDFromBytes(("kiln-evaluation:" + caller.userId()).getBytes(StandardCharsets.UTF_8));
    }

    private static NotFoundException missing(UUID deploymentId) {
        return new NotFoundException("No deployment " + deploymentId + ".");
    }
}
