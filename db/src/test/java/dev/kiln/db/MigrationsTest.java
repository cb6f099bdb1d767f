package dev.kiln.db;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationsTest {
    private static EmbeddedDatabase db;

    @BeforeAll
    static void start() {
        db = EmbeddedDatabase.startTemporary();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    private static Flyway flyway() {
        return Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations("classpath:db/migration").cleanDisabled(false).load();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    @Test
    void migrationsApplyToAnEmptyDatabaseAndCreateEveryTableOfTheDesign() throws SQLException {
        flyway().clean();
        var result = flyway().migrate();

        assertThat(result.success).isTrue();
        List<String> tables = new ArrayList<>();
        try (Connection c = connect();
             ResultSet rs = c.createStatement().executeQuery(
                     "select table_name from information_schema.tables where table_schema = 'public'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        assertThat(tables).contains("organizations", "users", "memberships", "projects", "artifacts",
                "artifact_chunks", "models", "model_versions", "gpu_types", "nodes", "node_gpus", "deployments",
                "instances", "project_keys", "audit_events")
                .doesNotContain("cluster_settings");
    }

    @Test
    void migratingTwiceChangesNothing() {
        flyway().migrate();
        assertThat(flyway().migrate().migrationsExecuted).isZero();
        assertThat(flyway().validateWithResult().validationSuccessful).isTrue();
    }

    @Test
    void aGpuDeploymentWithoutGpusIsRefusedByTheSchema() throws SQLException {
        flyway().migrate();
        try (Connection c = connect()) {
            c.createStatement().execute("""
                    insert into organizations values ('00000000-0000-0000-0000-000000000001', 'o', now());
                    insert into projects (id, organization_id, name, created_at)
                        values ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', 'p', now());
                    insert into artifacts values (repeat('a', 64), 1, 1, now());
                    insert into models values ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-000000000002', 'm', 'raw', null, now())
                        on conflict do nothing;
                    insert into model_versions (id, model_id, version_tag, artifact_sha256, descriptor, created_at)
                        values ('00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-000000000003', 'v1', repeat('a', 64), '{}', now())
                        on conflict do nothing;
                    """);
            assertThatThrownBy(() -> c.createStatement().execute("""
                    insert into deployments (id, project_id, name, model_version_id, status, instances, resource_type,
                                             gpus_per_instance, created_at, updated_at)
                    values (gen_random_uuid(), '00000000-0000-0000-0000-000000000002', 'd',
                            '00000000-0000-0000-0000-000000000004', 'PENDING', 1, 'GPU', 0, now(), now())
                    """)).isInstanceOf(SQLException.class).hasMessageContaining("check constraint");
        }
    }
}
