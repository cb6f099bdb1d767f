package dev.kiln.controlplane.stats;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The control plane's logback.xml with KILN_LOG_FORMAT set, in a logger context of its own. */
class JsonLogsTest {

    @Test
    void withJsonFormatEachRequestLineIsOneJsonObjectWithItsFields() throws Exception {
        List<String> lines = requestLines("json");
        assertThat(lines).hasSize(1);
        Map<String, Object> line = JsonMapper.createDefault().readValue(lines.getFirst(),
                Argument.mapOf(String.class, Object.class));
        assertThat(line).containsEntry("loggerName", "kiln.requests").containsEntry("level", "INFO")
                .containsEntry("formattedMessage", "POST /d-1/predict status=200");
        assertThat(line.get("kvpList").toString())
                .contains("predictId", "p-1", "deployment", "d-1", "keyPrefix", "kiln_abcdefg", "status", "latencyMs");
    }

    @Test
    void anUnknownFormatFallsBackToTextRatherThanSilence() throws Exception {
        assertThat(requestLines("jsonn")).singleElement().asString()
                .contains("INFO", "kiln.requests", "POST /d-1/predict status=200").doesNotStartWith("{");
    }

    private List<String> requestLines(String format) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            context.setMDCAdapter(new LogbackMDCAdapter());
            context.putProperty("KILN_LOG_FORMAT", format);
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(getClass().getResource("/logback.xml"));
            context.getLogger("kiln.requests").atInfo().addKeyValue("predictId", "p-1")
                    .addKeyValue("deployment", "d-1").addKeyValue("keyPrefix", "kiln_abcdefg")
                    .addKeyValue("status", 200).addKeyValue("latencyMs", 12L)
                    .log("POST /d-1/predict status={}", 200);
        } finally {
            context.stop();
            System.setOut(original);
        }

        return captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("kiln.requests") && l.contains("d-1")).toList(); // other contexts of this JVM print too
    }
}
