package dev.kiln.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure parts: exit codes, routines, durations, choosing a project, server URLs. */
class PartsTest {

    @Test
    void httpStatusesMapToTheDocumentedExitCodes() {
        assertThat(ExitCode.forStatus(400)).isEqualTo(1);
        assertThat(ExitCode.forStatus(404)).isEqualTo(1);
        assertThat(ExitCode.forStatus(409)).isEqualTo(1);
        assertThat(ExitCode.forStatus(401)).isEqualTo(3);
        assertThat(ExitCode.forStatus(500)).isEqualTo(4);
        assertThat(ExitCode.forStatus(503)).isEqualTo(4);
    }

    @Test
    void theErrorBodysMessageBecomesTheLineAndTheStatusItsExitCode() {
        CliException e = KilnClient.failure(404, "{\"status\":404,\"error\":\"NotFound\",\"message\":\"No such deployment.\"}");

        assertThat(e.getMessage()).isEqualTo("No such deployment. (HTTP 404)");
        assertThat(e.exitCode()).isEqualTo(ExitCode.API_ERROR);
        assertThat(KilnClient.failure(502, "<html>bad gateway</html>").getMessage())
                .isEqualTo("the server answered HTTP 502");
    }

    @Test
    void aRoutineIsANameWithOptionalJsonArguments() {
        assertThat(Routines.parse("ActiveLearning")).isEqualTo(Map.of("name", "ActiveLearning"));
        assertThat(Json.write(Routines.parse("FilterConfidence:{\"confidence\":0.5}")))
                .isEqualTo("{\"name\":\"FilterConfidence\",\"args\":{\"confidence\":0.5}}");
    }

    @Test
    void routineArgumentsThatAreNotAJsonObjectAreAUsageError() {
        assertThatThrownBy(() -> Routines.parse("FilterConfidence:0.5"))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> Routines.parse("FilterConfidence:{confidence"))
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> Routines.parse(":{}")).hasMessageContaining("needs a name");
    }

    @Test
    void durationsAreShortFormsOrIso() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("not a duration");
    }

    @Test
    void theOnlyProjectIsChosenWithoutAskingAndANamedOneByIdOrName() {
        Choice.Named a = new Choice.Named("11111111-1111-1111-1111-111111111111", "Default", "org");
        Choice.Named b = new Choice.Named("22222222-2222-2222-2222-222222222222", "Vision", "org");

        assertThat(Choice.one("project", List.of(a), null, "--project")).isEqualTo(a);
        assertThat(Choice.one("project", List.of(a, b), "Vision", "--project")).isEqualTo(b);
        assertThat(Choice.one("project", List.of(a, b), b.id(), "--project")).isEqualTo(b);
    }

    @Test
    void severalProjectsWithoutAChoiceOrAnUnknownOneAreErrorsThatListThem() {
        Choice.Named a = new Choice.Named("1", "Default", "org");
        Choice.Named b = new Choice.Named("2", "Vision", "org");

        assertThatThrownBy(() -> Choice.one("project", List.of(a, b), null, "--project"))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessage("you see several projects (Default, Vision); choose one with --project");
        assertThatThrownBy(() -> Choice.one("project", List.of(a, b), "Audio", "--project"))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.API_ERROR))
                .hasMessage("no project Audio (you see: Default, Vision)");
    }

    @Test
    void aTableIsPaddedToItsWidestCellsWithADashForEmptyOnes() {
        StringWriter text = new StringWriter();

        Output.table(new PrintWriter(text, true), List.of("ID", "NAME", "STATUS"),
                List.of(List.of("1", "detector", "ONLINE"), List.of("22", "", "PENDING")));

        assertThat(text.toString().lines()).containsExactly(
                "ID  NAME      STATUS",
                "1   detector  ONLINE",
                "22  -         PENDING");
    }

    @Test
    void aServerUrlLosesTrailingSlashesAndMustBeHttp() {
        assertThat(Context.normalize("http://127.0.0.1:8080//")).isEqualTo("http://127.0.0.1:8080");
        assertThatThrownBy(() -> Context.normalize("127.0.0.1:8080")).isInstanceOf(CliException.class);
    }
}
