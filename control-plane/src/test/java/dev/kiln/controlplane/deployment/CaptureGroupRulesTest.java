package dev.kiln.controlplane.deployment;

import dev.kiln.controlplane.common.InvalidInputException;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.deployment.Views.CaptureGroupRequest;
import dev.kiln.protocol.CaptureGroup;
import dev.kiln.protocol.ErrorBody;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CaptureGroupRulesTest {

    @Test
    void flaggedSampleAndAllGroupsWithUniqueNamesAreValid() {
        assertThat(problems(List.of(new CaptureGroup("uncertain", "flagged", null, null),
                new CaptureGroup("some", "sample", 0.1, 7), new CaptureGroup("every", "all", null, 1),
                new CaptureGroup("whole", "sample", 1.0, null)))).isEmpty();
    }

    @Test
    void aSampleGroupNeedsARateAboveZeroAndAtMostOne() {
        assertThat(problems(List.of(new CaptureGroup("a", "sample", null, null), new CaptureGroup("b", "sample", 0.0,
                null), new CaptureGroup("c", "sample", 1.5, null))))
                .containsExactly("captureGroups[0].rate", "captureGroups[1].rate", "captureGroups[2].rate");
    }

    @Test
    void namesAreUniqueModesKnownAndRatesOnlyForSamples() {
        assertThat(problems(List.of(new CaptureGroup("x", "all", null, null), new CaptureGroup("x", "flagged", null,
                null), new CaptureGroup("y", "sometimes", null, null), new CaptureGroup("z", "all", 0.5, null),
                new CaptureGroup("bad name", "all", null, null), new CaptureGroup("r", "all", null, 0))))
                .containsExactly("captureGroups[1].name", "captureGroups[2].mode", "captureGroups[3].rate",
                        "captureGroups[4].name", "captureGroups[5].retentionDays");
    }

    @Test
    void modesAreReadInAnyCaseAndNamesTrimmed() {
        assertThat(CaptureGroupRules.normalized(List.of(new CaptureGroupRequest(" kept ", "FLAGGED", null, 3))))
                .containsExactly(new CaptureGroup("kept", "flagged", null, 3));
    }

    private static List<String> problems(List<CaptureGroup> groups) {
        Problems problems = new Problems();
        CaptureGroupRules.validate(groups, problems);
        if (problems.isEmpty()) {
            return List.of();
        }
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> problems.throwIfAny("x"));
        return e.detail().stream().map(ErrorBody.Detail::loc).map(loc -> loc.get(1)).toList();
    }
}
