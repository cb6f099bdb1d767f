package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.assertions.LocatorAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The Data tab shows images captured from real predictions, with their predictions drawn; export and delete. */
@ExtendWith(Dashboard.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataTabTest {

    static final int PREDICTIONS = 3;
    static final LocatorAssertions.HasCountOptions CAPTURED = new LocatorAssertions.HasCountOptions().setTimeout(60_000);

    private String name;
    private String deploymentId;

    @BeforeAll
    void capturedPredictions(LiveStack stack) {
        name = LiveStack.unique("data");
        deploymentId = stack.onlineDeployment(name, Map.of("evaluationThreshold", 0.01,
                "captureGroups", List.of(Map.of("name", "everything", "mode", "all"),
                        Map.of("name", "uncertain", "mode", "flagged"))));
        String secret = stack.newKey(LiveStack.unique("data"));
        for (int i = 0; i < PREDICTIONS; i++) {
            Api.Reply reply = stack.admin().predict(deploymentId, secret, SampleImage.jpeg());
            assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        }
    }

    @Test
    @Order(1)
    void capturedImagesAreShownWithTheirPredictionsDrawnAndExportedAsCoco(Ui ui) throws IOException {
        ui.signIn().openDeployment(name).tab("Data");
        Locator captures = ui.page().getByTestId("capture");
        assertThat(captures).hasCount(PREDICTIONS, CAPTURED);
        assertThat(captures.first().locator("[data-testid=\"annotation\"]").first()).isVisible();
        assertThat(captures.first().locator("[data-testid=\"annotation\"]").count()).as("the most confident five")
                .isBetween(1, 5);
        ui.shot("data-tab");

        ui.page().getByTestId("capture-group").selectOption("uncertain");
        assertThat(captures).hasCount(PREDICTIONS, CAPTURED);
        Download download = ui.page().waitForDownload(() -> ui.page().getByTestId("capture-export").click());
        Set<String> images = new HashSet<>();
        JsonNode coco = null;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(download.path()))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals("annotations.json")) {
                    coco = Api.JSON.readTree(zip.readAllBytes());
                } else {
                    images.add(e.getName());
                }
            }
        }
        assertThat(images).hasSize(PREDICTIONS);
        assertThat(coco).isNotNull();
        assertThat(coco.get("images")).hasSize(PREDICTIONS);
        assertThat(coco.get("annotations")).isNotEmpty();
    }

    @Test
    @Order(2)
    void aCaptureIsDeletedAfterConfirmation(Ui ui) {
        ui.signIn().openDeployment(name).tab("Data");
        Locator captures = ui.page().getByTestId("capture");
        assertThat(captures).hasCount(PREDICTIONS, CAPTURED);
        int before = PREDICTIONS;

        captures.first().getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Locator.GetByRoleOptions().setName("Delete")).click();
        ui.button("Delete capture").click();

        assertThat(captures).hasCount(before - 1, CAPTURED);
    }
}
