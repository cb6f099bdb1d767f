// Predict with Java 11 or later (java.net.http): save as Predict.java and run `java Predict.java`.
// Sends the URL of an image the node downloads itself (image_type url) and prints the JSON response.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

public class Predict {
    static final String URL = "{{predictUrl}}";
    static final String KEY = "YOUR_SECRET_KEY";
    static final String IMAGE_URL = "https://example.com/image.jpg";

    public static void main(String[] args) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(URL))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"image_type\":\"url\",\"data\":\"" + IMAGE_URL + "\"}"))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            System.err.println(response.statusCode() + " " + response.body());
            System.exit(1);
        }
        System.out.println(response.body());
    }
}
