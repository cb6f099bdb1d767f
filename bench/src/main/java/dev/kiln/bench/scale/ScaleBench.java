package dev.kiln.bench.scale;

import dev.kiln.bench.BenchArgs;
import dev.kiln.e2e.Stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control plane at fleet scale (issue 5, "Scale"): a real control plane on embedded Postgres, and simulated
 * nodes speaking the real node protocol over HTTP ({@link SimulatedNode}: join token, heartbeats on the interval the
 * control plane gives, READY reports for their assignments, assignment long-polls; no ONNX Runtime). It prints
 * <ol>
 *   <li>how long the fleet takes to join, and to place every instance of many deployments until all are READY;</li>
 *   <li>in steady state: heartbeat ingest rate and round-trip latency (p50/p99), reconcile rounds (counted in
 *       {@code pg_stat_statements}), the database's load ({@code pg_stat_database} per second, top statements)
 *       and the CPU of Postgres and of the control plane;</li>
 *   <li>how long a deployment created at that scale waits for its instances (one reconcile round over the fleet)
 *       and until they are READY.</li>
 * </ol>
 * Run from the repository root (after {@code mvn -o -q -pl control-plane,bench package -DskipTests}):
 * {@code ./kiln bench scale}, or
 * {@code java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.kiln.bench.scale.ScaleBench}.
 * Options: {@code --nodes 200 --deployments 1000 --instances 3 --measure 60} (seconds of steady state),
 * {@code --cores 32} (each simulated node's cores), {@code --model ../shared/models/mobilenet_v3_small.onnx}.
 */
public final class ScaleBench {
    private static final Duration PLACEMENT_TIMEOUT = Duration.ofMinutes(20);
    private static final int PROBES = 5;

    private ScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        // Postgres's own log lines (relayed by the embedded launcher) would bury the figures.
        System.setProperty("org.slf4j.simpleLogger.log.io.zonky", "warn");
        Map<String, String> options = BenchArgs.options(args);
        int nodeCount = Integer.parseInt(options.getOrDefault("nodes", "200"));
        int deploymentCount = Integer.parseInt(options.getOrDefault("deployments", "1000"));
        int perDeployment = Integer.parseInt(options.getOrDefault("instances", "3"));
        int measureSeconds = Integer.parseInt(options.getOrDefault("measure", "60"));
        int cores = Integer.parseInt(options.getOrDefault("cores", "32"));
        Path root = BenchArgs.repositoryRoot();
        Path model = Path.of(options.getOrDefault("model",
                root.resolve("../shared/models/mobilenet_v3_small.onnx").toString())).toAbsolutePath().normalize();
        Path home = Files.createDirectories(root.resolve("bench/target/scale-" + System.currentTimeMillis()));
        int total = deploymentCount * perDeployment;
        System.out.printf("Kiln scale bench: %d simulated nodes, %d deployments × %d instances = %d, on %d cores "
                + "(load average %s); logs in %s%n", nodeCount, deploymentCount, perDeployment, total,
                Runtime.getRuntime().availableProcessors(), loadAverage(), home);

        AtomicBoolean stop = new AtomicBoolean();
        // No JVM options: the control plane runs as ./kiln runs it.
        try (Stack stack = new Stack(root, home, List.of())) {
            preloadStatementStatistics(stack);
            stack.startControlPlane();
            ManagementClient api = new ManagementClient(stack.url()).login(Stack.ADMIN_EMAIL, Stack.ADMIN_PASSWORD);
            NodeProtocol protocol = new NodeProtocol(stack.internalUrl(), Stack.JOIN_TOKEN);

            long joinStart = System.nanoTime();
            List<SimulatedNode> nodes = new ArrayList<>();
            for (int i = 0; i < nodeCount; i++) {
                nodes.add(new SimulatedNode(protocol, String.format("sim-%03d", i), cores, stop));
            }
            inParallel(16, nodes.size(), i -> nodes.get(i).join());
            System.out.printf("%n%d nodes registered in %.1f s%n", nodeCount, seconds(joinStart));

            try (Connection sql = DriverManager.getConnection(stack.db.jdbcUrl(), stack.db.user(), stack.db.password())) {
                PostgresLoad pg = new PostgresLoad(sql, home.resolve("postgres"), stack.controlPlanePid());
                String project = api.firstProject();
                String version = api.uploadModel(project, "scale-model", "classification", model);

                placeEverything(api, pg, sql, project, version, deploymentCount, perDeployment);
                steadyState(protocol, pg, nodeCount, measureSeconds);
                probeNewDeployments(api, sql, project, version, perDeployment);
            } finally {
                stop.set(true);
            }
        }
    }

    /** Creates every deployment (8 clients at once) and waits until all instances are READY. */
    private static void placeEverything(ManagementClient api, PostgresLoad pg, Connection sql, String project,
                                        String version, int deploymentCount, int perDeployment) throws Exception {
        int total = deploymentCount * perDeployment;
        pg.resetStatements();
        PostgresLoad.Snapshot before = pg.snapshot();
        long start = System.nanoTime();
        ConcurrentLinkedQueue<Long> createNanos = new ConcurrentLinkedQueue<>();
        AtomicInteger created = new AtomicInteger();
        Thread creator = Thread.ofPlatform().name("creator").start(() -> inParallel(8, deploymentCount, i -> {
            long t = System.nanoTime();
            api.post("/api/v1/projects/" + project + "/deployments", Map.of("name", String.format("d-%04d", i),
                    "modelVersionId", version, "instances", perDeployment), 201);
            createNanos.add(System.nanoTime() - t);
            created.incrementAndGet();
        }));
        double createdAfter = Double.NaN;
        double scheduledAfter = Double.NaN;
        double readyAfter = Double.NaN;
        long deadline = System.nanoTime() + PLACEMENT_TIMEOUT.toNanos();
        long lastPrint = System.nanoTime();
        while (Double.isNaN(readyAfter)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not every instance was READY within " + PLACEMENT_TIMEOUT);
            }
            Thread.sleep(250);
            Map<String, Long> counts = instanceCounts(sql);
            if (Double.isNaN(createdAfter) && !creator.isAlive()) {
                createdAfter = seconds(start);
            }
            if (Double.isNaN(scheduledAfter) && counts.get("placed") >= total) {
                scheduledAfter = seconds(start);
            }
            if (counts.get("ready") >= total && onlineDeployments(sql) >= deploymentCount) {
                readyAfter = seconds(start);
            }
            if (System.nanoTime() - lastPrint > 10_000_000_000L) {
                lastPrint = System.nanoTime();
                System.out.printf("  %5.0f s: %d deployments created, %d instances placed, %d READY%n",
                        seconds(start), created.get(), counts.get("placed"), counts.get("ready"));
            }
        }
        creator.join();
        if (Double.isNaN(createdAfter)) {
            createdAfter = seconds(start);
        }
        PostgresLoad.Snapshot after = pg.snapshot();
        long[] creates = createNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("%nPlacement of %d deployments × %d instances (%d):%n", deploymentCount, perDeployment, total);
        System.out.printf("  all created (POST, 8 clients)   %7.1f s   (%.0f/s; POST p50 %.0f ms, p99 %.0f ms)%n",
                createdAfter, deploymentCount / createdAfter, ms(creates, 0.50), ms(creates, 0.99));
        System.out.printf("  all %d instances placed      %7.1f s after the first POST%n", total, scheduledAfter);
        System.out.printf("  all READY, every deployment ONLINE %5.1f s after the first POST%n", readyAfter);
        printDatabase("Postgres during placement", before, after, pg.topStatements(6));
    }

    /** Steady state: heartbeats only, every instance READY. */
    private static void steadyState(NodeProtocol protocol, PostgresLoad pg, int nodeCount, int measureSeconds)
            throws Exception {
        awaitReconcileIdle(pg);
        pg.resetStatements();
        protocol.startMeasuring();
        PostgresLoad.Snapshot before = pg.snapshot();
        Thread.sleep(measureSeconds * 1000L);
        PostgresLoad.Snapshot after = pg.snapshot();
        long[] beats = protocol.stopMeasuring();
        double window = (after.nanos() - before.nanos()) / 1e9;
        PostgresLoad.StatementLoad marker = pg.reconcileMarker();
        System.out.printf("%nSteady state, %.0f s, %d nodes, every instance READY:%n", window, nodeCount);
        System.out.printf("  heartbeats ingested  %7.1f/s   round trip p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d failed%n",
                beats.length / window, ms(beats, 0.50), ms(beats, 0.99), ms(beats, 1.0), protocol.heartbeatFailures());
        if (marker != null) {
            double period = window / marker.calls();
            System.out.printf("  reconcile rounds     %7.2f/s   one round every %.2f s (interval 1 s + the round: "
                            + "≈%.2f s per round); its deployments read %.1f ms%n", marker.calls() / window, period,
                    Math.max(0, period - 1), marker.meanMs());
        }
        printDatabase("Postgres in steady state", before, after, pg.topStatements(8));
    }

    /**
     * Waits until the reconcile loop is back to its interval. Every POST asks for a round soon; rounds that were
     * asked for while one ran can still be queued when the last instance is READY, and then run back to back:
     * their rate is the round time at this scale.
     */
    private static void awaitReconcileIdle(PostgresLoad pg) throws Exception {
        long start = System.nanoTime();
        double first = Double.NaN;
        while (seconds(start) < 600) {
            pg.resetStatements();
            Thread.sleep(5_000);
            PostgresLoad.StatementLoad marker = pg.reconcileMarker();
            double rate = marker == null ? 0 : marker.calls() / 5.0;
            if (Double.isNaN(first)) {
                first = rate;
                System.out.printf("%nReconcile rounds right after placement: %.1f/s (back to back when above 1/s: "
                        + "≈%.0f ms per round over %d deployments)%n", rate, 1000 / rate,
                        marker == null || marker.calls() == 0 ? 0 : marker.rows() / marker.calls());
            }
            if (rate <= 1.5) {
                System.out.printf("  back to one round per interval %.0f s after placement%n", seconds(start));
                return;
            }
        }
        System.out.println("  the reconcile loop never went back to its interval within 10 minutes");
    }

    /** Deployments created one at a time at full scale: waiting for a reconcile round, then for READY reports. */
    private static void probeNewDeployments(ManagementClient api, Connection sql, String project, String version,
                                            int perDeployment) throws Exception {
        System.out.printf("%nOne more deployment at this scale (%d probes, one at a time):%n", PROBES);
        for (int i = 0; i < PROBES; i++) {
            long start = System.nanoTime();
            UUID id = UUID.fromString(api.post("/api/v1/projects/" + project + "/deployments", Map.of("name",
                    "probe-" + i, "modelVersionId", version, "instances", perDeployment), 201).get("id").asText());
            double posted = seconds(start);
            double placed = Double.NaN;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                Map<String, Long> counts = instanceCounts(sql, id);
                if (Double.isNaN(placed) && counts.get("placed") >= perDeployment) {
                    placed = seconds(start);
                }
                if (counts.get("ready") >= perDeployment) {
                    break;
                }
                Thread.sleep(10);
            }
            System.out.printf("  probe %d: POST %.0f ms, instances placed after %.0f ms, READY after %.0f ms%n",
                    i, posted * 1000, placed * 1000, seconds(start) * 1000);
        }
    }

    private static void printDatabase(String title, PostgresLoad.Snapshot before, PostgresLoad.Snapshot after,
                                      List<PostgresLoad.StatementLoad> top) {
        Map<String, Double> rates = PostgresLoad.rates(before, after);
        System.out.printf("  %s, per second: commits %.0f, rollbacks %.0f, rows returned %.0f, fetched %.0f, "
                        + "inserted %.0f, updated %.0f, deleted %.0f, blocks hit %.0f, read %.0f%n", title,
                rates.get("xact_commit"), rates.get("xact_rollback"), rates.get("tup_returned"),
                rates.get("tup_fetched"), rates.get("tup_inserted"), rates.get("tup_updated"),
                rates.get("tup_deleted"), rates.get("blks_hit"), rates.get("blks_read"));
        System.out.printf("  CPU (100%% = one core): Postgres %.0f%%, control plane %.0f%%%n",
                rates.get("postgres_cpu_percent"), rates.get("control_plane_cpu_percent"));
        double seconds = (after.nanos() - before.nanos()) / 1e9;
        System.out.println("  top statements by database time:   calls/s   mean ms   total s  statement");
        for (PostgresLoad.StatementLoad s : top) {
            System.out.printf("  %33s %9.1f %9.2f %9.1f  %s%n", "", s.calls() / seconds, s.meanMs(), s.totalMs() / 1000,
                    s.query().length() > 110 ? s.query().substring(0, 110) + "…" : s.query());
        }
    }

    /**
     * pg_stat_statements must be preloaded, which takes a restart: set it, restart Postgres on the same data, create
     * the extension, all before the control plane connects.
     */
    private static void preloadStatementStatistics(Stack stack) throws SQLException {
        try (Connection c = DriverManager.getConnection(stack.db.jdbcUrl(), stack.db.user(), stack.db.password());
             Statement s = c.createStatement()) {
            s.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
        }
        stack.stopDatabase();
        stack.startDatabase();
        try (Connection c = DriverManager.getConnection(stack.db.jdbcUrl(), stack.db.user(), stack.db.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
    }

    private static Map<String, Long> instanceCounts(Connection sql) throws SQLException {
        try (Statement s = sql.createStatement(); ResultSet row = s.executeQuery("""
                SELECT count(*) FILTER (WHERE node_id IS NOT NULL AND status <> 'LOST'),
                       count(*) FILTER (WHERE status = 'READY') FROM instances""")) {
            row.next();
            return Map.of("placed", row.getLong(1), "ready", row.getLong(2));
        }
    }

    private static Map<String, Long> instanceCounts(Connection sql, UUID deployment) throws SQLException {
        try (PreparedStatement s = sql.prepareStatement("""
                SELECT count(*) FILTER (WHERE node_id IS NOT NULL AND status <> 'LOST'),
                       count(*) FILTER (WHERE status = 'READY') FROM instances WHERE deployment_id = ?""")) {
            s.setObject(1, deployment);
            try (ResultSet row = s.executeQuery()) {
                row.next();
                return Map.of("placed", row.getLong(1), "ready", row.getLong(2));
            }
        }
    }

    private static long onlineDeployments(Connection sql) throws SQLException {
        try (Statement s = sql.createStatement();
             ResultSet row = s.executeQuery("SELECT count(*) FROM deployments WHERE status = 'ONLINE'")) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Runs {@code task(0..count-1)} on {@code threads} threads; the first failure stops the benchmark. */
    private static void inParallel(int threads, int count, IndexTask task) {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    task.run(index);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface IndexTask {
        void run(int index) throws Exception;
    }

    private static double ms(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(q * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, index)] / 1e6;
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
        } catch (Exception e) {
            return "unknown";
        }
    }

}
