package dev.kiln.cli.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigStoreTest {
    @TempDir
    Path home;

    @Test
    void theFileLivesUnderXdgConfigHomeElseUnderHomeDotConfig() {
        assertThat(ConfigStore.locate(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")).file())
                .isEqualTo(Path.of("/x/kiln/credentials.json"));
        assertThat(ConfigStore.locate(Map.of("HOME", "/h")).file()).isEqualTo(Path.of("/h/.config/kiln/credentials.json"));
    }

    @Test
    void credentialsAreWrittenReadableByTheOwnerOnlyAndReadBack() throws IOException {
        ConfigStore store = ConfigStore.locate(Map.of("XDG_CONFIG_HOME", home.toString()));
        ServerCredentials credentials = new ServerCredentials(ServerCredentials.PASSWORD, "a@b.c", "access", "refresh",
                null, null);

        store.save(CliConfig.empty().with("http://kiln", credentials, true));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file().getParent())))
                .isEqualTo("rwx------");
        assertThat(store.load().server()).isEqualTo("http://kiln");
        assertThat(store.load().credentials("http://kiln")).isEqualTo(credentials);
    }

    @Test
    void savingAgainReplacesTheFileWholeAndLeavesNoTemporaryFileBehind() throws IOException {
        ConfigStore store = ConfigStore.locate(Map.of("XDG_CONFIG_HOME", home.toString()));
        ServerCredentials first = new ServerCredentials(ServerCredentials.PASSWORD, "a@b.c", "one", "r1", null, null);
        store.save(CliConfig.empty().with("http://kiln", first, true));

        store.save(store.load().with("http://kiln", first.withProject("org", "project"), false));

        assertThat(store.load().credentials("http://kiln").projectId()).isEqualTo("project");
        assertThat(store.load().server()).isEqualTo("http://kiln");
        try (var files = Files.list(store.file().getParent())) {
            assertThat(files).containsExactly(store.file());
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
    }
}
