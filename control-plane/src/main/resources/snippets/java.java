// Predict with Java 11 or later (java.net.http): save as Predict.java and run `java Predict.java`.
// Reads an image, sends it as base64 and prints the JSON response.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

public class Predict {
    static final String URL = "{{predictUrl}}";
    static final String KEY = "YOUR_SECRET_KEY";
    static final String IMAGE = "path/to/image.jpg";

    public static void main(String[] args) throws Exception {
        String data = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(IMAGE)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(URL))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"image_type\":\"base64\",\"data\":\"" + data + "\"}"))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            System.err.println(response.statusCode() + " " + response.body());
            System.exit(1);
        }
        System.out.println(response.body());
    }
}
