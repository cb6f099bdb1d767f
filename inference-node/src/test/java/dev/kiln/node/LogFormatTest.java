package dev.kiln.node;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogFormatTest {

    @Test
    void jsonInAnyCaseSelectsTheJsonAppender() {
        assertThat(LogFormat.appender("json")).isEqualTo("json");
        assertThat(LogFormat.appender(" JSON ")).isEqualTo("json");
    }

    @Test
    void anythingElseOrNothingLogsPlainTextRatherThanNothing() {
        assertThat(LogFormat.appender(null)).isEqualTo("text");
        assertThat(LogFormat.appender("jsn")).isEqualTo("text");
        assertThat(LogFormat.appender("text")).isEqualTo("text");
    }
}
