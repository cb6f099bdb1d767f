/*
 * Predict with C and libcurl: save as predict.c, build with `cc predict.c -lcurl -o predict`, run `./predict`.
 * Reads an image, sends it as base64 and prints the JSON response.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *URL = "{{predictUrl}}";
static const char *KEY = "YOUR_SECRET_KEY";
static const char *IMAGE = "path/to/image.jpg";

static char *base64(const unsigned char *in, size_t length) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc(4 * ((length + 2) / 3) + 1);
    char *p = out;
    if (out == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < length; i += 3) {
        unsigned long n = (unsigned long) in[i] << 16;
        if (i + 1 < length) n |= (unsigned long) in[i + 1] << 8;
        if (i + 2 < length) n |= in[i + 2];
        *p++ = alphabet[(n >> 18) & 63];
        *p++ = alphabet[(n >> 12) & 63];
        *p++ = i + 1 < length ? alphabet[(n >> 6) & 63] : '=';
        *p++ = i + 2 < length ? alphabet[n & 63] : '=';
    }
    *p = '\0';
    return out;
}

int main(void) {
    FILE *file = fopen(IMAGE, "rb");
    if (file == NULL) {
        perror(IMAGE);
        return 1;
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    rewind(file);
    unsigned char *raw = malloc(size > 0 ? (size_t) size : 1);
    if (raw == NULL || fread(raw, 1, (size_t) size, file) != (size_t) size) {
        fprintf(stderr, "could not read %s\n", IMAGE);
        return 1;
    }
    fclose(file);

    const char *prefix = "{\"image_type\":\"base64\",\"data\":\"";
    char *data = base64(raw, (size_t) size);
    char *body = data == NULL ? NULL : malloc(strlen(prefix) + strlen(data) + 3);
    if (body == NULL) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    sprintf(body, "%s%s\"}", prefix, data);
    char authorization[512];
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
    free(body);
    free(data);
    free(raw);
    return result == CURLE_OK && status == 200 ? 0 : 1;
}
