/*
 * Predict with C and libcurl: save as predict.c, build with `cc predict.c -lcurl -o predict`, run `./predict`.
 * Sends the URL of an image the node downloads itself (image_type url) and prints the JSON response.
 */
#include <curl/curl.h>
#include <stdio.h>

static const char *URL = "{{predictUrl}}";
static const char *KEY = "YOUR_SECRET_KEY";
static const char *IMAGE_URL = "https://example.com/image.jpg";

int main(void) {
    char body[2048];
    char authorization[512];
    /* An image URL with a quote or backslash would need JSON escaping; ordinary URLs have none. */
    snprintf(body, sizeof body, "{\"image_type\":\"url\",\"data\":\"%s\"}", IMAGE_URL);
    snprintf(authorization, sizeof authorization, "Authorization: Bearer %s", KEY);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, authorization);
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, URL);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    /* The response body goes to stdout (libcurl's default). */
    CURLcode result = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    printf("\n");
    if (result != CURLE_OK) {
        fprintf(stderr, "%s\n", curl_easy_strerror(result));
    }

    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    return result == CURLE_OK && status == 200 ? 0 : 1;
}
