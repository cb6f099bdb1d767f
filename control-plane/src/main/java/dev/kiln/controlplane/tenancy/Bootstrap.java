package dev.kiln.controlplane.tenancy;

import dev.kiln.controlplane.audit.Actor;
import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Passwords;
import dev.kiln.controlplane.common.Secrets;
import dev.kiln.controlplane.common.Times;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * On the very first start (no users yet) creates the admin, the "Default" organization and project, and makes
 * the admin their OWNER and an operator. One transaction under an advisory lock, so replicas starting together
 * create it exactly once.
 */
@Singleton
public class Bootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
    /** Any constant; only Bootstrap takes this transaction-scoped advisory lock. */
    private static final long LOCK_ID = 0x4b494c4e0001L;

    private final JdbcOperations jdbc;
    private final UserRepository users;
    private final OrganizationRepository organizations;
    private final ProjectRepository projects;
    private final MembershipRepository memberships;
    private final AuditLog audit;
    private final BootstrapConfig config;
    private final Clock clock;

    Bootstrap(JdbcOperations jdbc, UserRepository users, OrganizationRepository organizations,
              ProjectRepository projects, MembershipRepository memberships, AuditLog audit, BootstrapConfig config,
              Clock clock) {
        this.jdbc = jdbc;
        this.users = users;
        this.organizations = organizations;
        this.projects = projects;
        this.memberships = memberships;
        this.audit = audit;
        this.config = config;
        this.clock = clock;
    }

    private Path writeOwnerOnly(String password) {
        Path dir = config.dataDir() == null || config.dataDir().isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(config.dataDir());
        Path file = dir.resolve("initial-admin-password");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the generated admin password to " + file
                    + "; set KILN_ADMIN_PASSWORD instead", e);
        }
        return file;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        run();
    }

    /** Creates the first admin, organization and project when there are no users; otherwise does nothing. */
    @Transactional
    public void run() {
        jdbc.prepareStatement("SELECT pg_advisory_xact_lock(?)", statement -> {
            statement.setLong(1, LOCK_ID);
            return statement.execute();
        });
        if (users.count() > 0) {
            return;
        }
        boolean generated = config.adminPassword() == null || config.adminPassword().isBlank();
        String password = generated ? Secrets.randomBase64Url(12) : config.adminPassword();
        Instant now = Times.now(clock);
        User admin = users.save(User.create(UUID.randomUUID(), config.adminEmail().trim(), "Administrator",
                Passwords.hash(password), true, false, now));
        Organization organization = organizations.save(new Organization(UUID.randomUUID(), "Default", now));
        Project project = projects.save(new Project(UUID.randomUUID(), organization.id(), "Default", null, now));
        memberships.save(new Membership(new MembershipKey(organization.id(), admin.id()), Role.OWNER, now));
        audit.record(Actor.system(), "bootstrap", new AuditLog.Target(organization.id(), project.id(), "user",
                admin.id().toString()), Map.of("adminEmail", admin.email()));
        LOG.info("First start: created admin {}, organization Default and project Default", admin.email());
        if (generated) {
            // Never logged: logs are shipped and kept far and wide. Only its place is.
            LOG.warn("Generated the admin password into {} (readable by this user only); sign in, change it with "
                    + "POST /api/v1/me/password, then delete the file.", writeOwnerOnly(password));
        }
    }
}
