package dev.kiln.controlplane.auth;

import dev.kiln.controlplane.common.InvalidInputException;
import dev.kiln.controlplane.common.Problems;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordRulesTest {

    private static boolean accepted(String password) {
        Problems problems = new Problems();
        PasswordRules.check("password", password, problems);
        return problems.isEmpty();
    }

    @Test
    void passwordsNeedTenCharactersAndAtMostSeventyTwoBytes() {
        assertThat(accepted(null)).isFalse();
        assertThat(accepted("123456789")).isFalse();
        assertThat(accepted("1234567890")).isTrue();
        assertThat(accepted("x".repeat(72))).isTrue();
        assertThat(accepted("x".repeat(73))).isFalse();
        assertThat(accepted("é".repeat(37))).as("74 bytes in UTF-8").isFalse();
    }

    @Test
    void aTooLongPasswordNeverMatchesAndDoesNotThrow() {
        assertThat(Passwords.matches("x".repeat(100), Passwords.hash("x".repeat(72)))).isFalse();
    }

    @Test
    void theProblemNamesTheField() {
        Problems problems = new Problems();
        PasswordRules.check("newPassword", "short", problems);
        assertThatThrownBy(() -> problems.throwIfAny("bad")).isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).detail().getFirst().loc())
                        .containsExactly("body", "newPassword"));
    }
}
