package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(Dashboard.class)
class ConnectionTest {

    @Test
    void theCurlSnippetCopiedFromTheConnectionTabGetsAPrediction(Ui ui, LiveStack stack, @TempDir Path dir)
            throws IOException, InterruptedException {
        String name = LiveStack.unique("connect");
        String deploymentId = stack.onlineDeployment(name);
        String secret = stack.newKey(LiveStack.unique("connect"));
        Path image = SampleImage.file(dir);

        ui.signIn().openDeployment(name).tab("Connection");
        assertThat(ui.page().getByTestId("predict-url")).containsText(stack.url() + "/" + deploymentId + "/predict");
        Locator curlPicker = ui.button("curl").or(ui.page().getByRole(AriaRole.TAB,
                new Page.GetByRoleOptions().setName("curl").setExact(true)));
        if (curlPicker.count() > 0) {
            curlPicker.first().click();
        }
        Locator snippet = ui.page().getByTestId("snippet-curl");
        assertThat(snippet).containsText("YOUR_SECRET_KEY");
        ui.shot("curl-snippet");
        String code = snippet.innerText();

        Files.writeString(dir.resolve("predict.sh"), code.replace("YOUR_SECRET_KEY", secret)
                .replace("path/to/image.jpg", image.toString()));
        Process curl = new ProcessBuilder("sh", "predict.sh").directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        assertThat(curl.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(dir.resolve("out.txt"));

        assertThat(curl.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
        JsonNode prediction = Api.JSON.readTree(out);
        assertThat(prediction.path("deploymentId").asText()).as(out).isEqualTo(deploymentId);
        assertThat(prediction.path("predictId").asText()).isNotBlank();
        assertThat(prediction.path("predictions").isArray()).as(out).isTrue();
    }
}
