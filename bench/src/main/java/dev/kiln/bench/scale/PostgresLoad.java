package dev.kiln.bench.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the control plane costs its database: {@code pg_stat_database} counters, {@code pg_stat_statements} (the
 * benchmark preloads it) and the CPU time of the Postgres processes and of the control plane, read from /proc.
 */
final class PostgresLoad {
    private static final List<String> COUNTERS = List.of("xact_commit", "xact_rollback", "tup_returned",
            "tup_fetched", "tup_inserted", "tup_updated", "tup_deleted", "blks_read", "blks_hit");
    /** /proc times are in clock ticks; 100 per second on every Linux this runs on (getconf CLK_TCK). */
    private static final double TICKS_PER_SECOND = 100;

    /** Counters at one moment. */
    record Snapshot(long nanos, Map<String, Long> counters, long postgresTicks, long controlPlaneTicks) {
    }

    /** One statement's share of the window. */
    record StatementLoad(long calls, double totalMs, double meanMs, long rows, String query) {
    }

    private final Connection connection;
    private final Path dataDir;
    private final long controlPlanePid;

    PostgresLoad(Connection connection, Path dataDir, long controlPlanePid) {
        this.connection = connection;
        this.dataDir = dataDir;
        this.controlPlanePid = controlPlanePid;
    }

    Snapshot snapshot() throws SQLException {
        Map<String, Long> counters = new LinkedHashMap<>();
        try (Statement s = connection.createStatement();
             ResultSet row = s.executeQuery("SELECT " + String.join(", ", COUNTERS)
                     + " FROM pg_stat_database WHERE datname = current_database()")) {
            row.next();
            for (String counter : COUNTERS) {
                counters.put(counter, row.getLong(counter));
            }
        }
        return new Snapshot(System.nanoTime(), counters, postgresTicks(), ticks(controlPlanePid));
    }

    void resetStatements() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT pg_stat_statements_reset()");
        }
    }

    /** The statements that took the most database time since the last reset, excluding this benchmark's own. */
    List<StatementLoad> topStatements(int limit) throws SQLException {
        List<StatementLoad> top = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet row = s.executeQuery("""
                     SELECT calls, total_exec_time, mean_exec_time, rows, query FROM pg_stat_statements
                     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                       AND query NOT ILIKE '%pg_stat%' ORDER BY total_exec_time DESC""" + " LIMIT " + limit)) {
            while (row.next()) {
                top.add(new StatementLoad(row.getLong(1), row.getDouble(2), row.getDouble(3), row.getLong(4),
                        row.getString(5).replaceAll("\\s+", " ")));
            }
        }
        return top;
    }

    /**
     * Calls of the one statement only the reconcile loop runs, once per round: {@code DeploymentRepository.findAll}
     * (the API lists deployments per project, never all of them).
     */
    StatementLoad reconcileMarker() throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet row = s.executeQuery("""
                     SELECT calls, total_exec_time, mean_exec_time, rows, query FROM pg_stat_statements
                     WHERE query ~* 'from "?deployments"? +deployment_\\s*$' ORDER BY calls DESC LIMIT 1""")) {
            return row.next() ? new StatementLoad(row.getLong(1), row.getDouble(2), row.getDouble(3), row.getLong(4),
                    row.getString(5).replaceAll("\\s+", " ")) : null;
        }
    }

    /** Per second between two snapshots: every counter, and CPU as a percentage of one core. */
    static Map<String, Double> rates(Snapshot from, Snapshot to) {
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        Map<String, Double> rates = new LinkedHashMap<>();
        to.counters().forEach((name, value) -> rates.put(name, (value - from.counters().get(name)) / seconds));
        rates.put("postgres_cpu_percent", 100 * (to.postgresTicks() - from.postgresTicks()) / TICKS_PER_SECOND / seconds);
        rates.put("control_plane_cpu_percent",
                100 * (to.controlPlaneTicks() - from.controlPlaneTicks()) / TICKS_PER_SECOND / seconds);
        return rates;
    }

    /** The postmaster and its children (backends, checkpointer, WAL writer...), alive now. */
    private long postgresTicks() {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().trim());
            long total = ticks(postmaster);
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                        .toList()) {
                    String[] stat = stat(proc);
                    if (stat != null && Long.parseLong(stat[1]) == postmaster) {
                        total += Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
                    }
                }
            }
            return total;
        } catch (IOException e) {
            return 0;
        }
    }

    private static long ticks(long pid) {
        String[] stat = stat(Path.of("/proc", Long.toString(pid)));
        return stat == null ? 0 : Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
    }

    /** The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, ... [11] utime, [12] stime. */
    private static String[] stat(Path proc) {
        try {
            String line = Files.readString(proc.resolve("stat"));
            return line.substring(line.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null; // the process ended meanwhile
        }
    }
}
