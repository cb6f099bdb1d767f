package dev.kiln.deploy.check;

import dev.kiln.onnx.GpuProbe;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/systemd: each unit starts its app as ./kiln does, from an environment file of variables the app reads. */
class SystemdFilesTest {
    private static final Pattern ASSIGNMENT = Pattern.compile("(?m)^#?\\s*([A-Z][A-Z0-9_]*)=(.*)$");

    enum Host {
        CONTROL_PLANE(Apps.CONTROL_PLANE, "kiln-control-plane.service", "control-plane.env"),
        NODE(Apps.INFERENCE_NODE, "kiln-node.service", "node.env");

        final Apps app;
        final String unit;
        final String envFile;

        Host(Apps app, String unit, String envFile) {
            this.app = app;
            this.unit = unit;
            this.envFile = envFile;
        }

        Map<String, String> unitSettings() {
            Map<String, String> settings = new LinkedHashMap<>();
            for (String line : Repo.read(Repo.path("deploy/systemd/" + unit)).split("\n")) {
                if (!line.startsWith("#") && line.contains("=")) {
                    settings.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            }
            return settings;
        }

        /** Set and commented-out example variables alike: an operator may uncomment any of them. */
        Map<String, String> environment() {
            Map<String, String> vars = new LinkedHashMap<>();
            Matcher m = ASSIGNMENT.matcher(Repo.read(Repo.path("deploy/systemd/" + envFile)));
            while (m.find()) {
                vars.put(m.group(1), m.group(2));
            }
            return vars;
        }
    }

    @ParameterizedTest
    @EnumSource(Host.class)
    void theUnitStartsTheAppsMainClassWithTheKilnScriptsJvmFlagsAsAnUnprivilegedUser(Host host) {
        Map<String, String> unit = host.unitSettings();
        List<String> exec = List.of(unit.get("ExecStart").split("\\s+"));
        assertThat(exec.getFirst()).startsWith("/").endsWith("/bin/java");
        assertThat(exec.getLast()).isEqualTo(host.app.mainClass());
        assertThat(exec).containsAll(KilnScript.commonJavaOptions());
        assertThat(unit.get("User")).isNotBlank().isNotEqualTo("root");
        // The control plane inspects models on the CPU only; the node needs its GPUs.
        assertThat(exec.contains("-D" + GpuProbe.OVERRIDE_PROPERTY + "=false")).isEqualTo(host == Host.CONTROL_PLANE);
        assertThat(unit).containsEntry("EnvironmentFile", "/etc/kiln/" + host.envFile)
                .containsEntry("Restart", "on-failure").containsEntry("NoNewPrivileges", "yes");
    }

    @ParameterizedTest
    @EnumSource(Host.class)
    void theEnvironmentFileSetsOnlyVariablesTheAppReadsOrTheUnitUses(Host host) {
        String execStart = host.unitSettings().get("ExecStart");
        Map<String, String> vars = host.environment();
        assertThat(vars).isNotEmpty();
        for (String name : vars.keySet()) {
            boolean usedByUnit = execStart.contains("$" + name) || execStart.contains("${" + name + "}");
            assertThat(host.app.environment().contains(name) || usedByUnit)
                    .as(host.envFile + " sets " + name + ", which " + host.app + " does not read").isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Host.class)
    void theEnvironmentFileKeepsTheManagementPortApartFromTheApiPortAndTheDirectoriesInTheUnitsState(Host host) {
        Map<String, String> vars = host.environment();
        assertThat(vars.get(host.app.managementPortVariable)).isNotNull()
                .isNotEqualTo(vars.get(host.app.portVariable));
        Map<String, String> unit = host.unitSettings();
        Path state = Path.of("/var/lib", unit.get("StateDirectory"));
        Path cache = Path.of("/var/cache", unit.get("CacheDirectory"));
        String home = vars.getOrDefault("KILN_NODE_HOME", vars.get("KILN_DATA_DIR"));
        assertThat(Path.of(home)).as("the app's data is in the unit's StateDirectory (writable under ProtectSystem)")
                .isEqualTo(state);
        assertThat(Path.of(vars.get("KILN_ORT_CACHE")).startsWith(cache)).isTrue();
        assertThat(Files.exists(Repo.path("deploy/systemd/" + host.envFile))).isTrue();
    }
}
