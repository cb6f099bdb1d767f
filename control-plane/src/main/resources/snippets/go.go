// Predict with Go (net/http): save as main.go and run `go run main.go`.
// Reads an image, sends it as base64 and prints the JSON response.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
)

const (
	predictURL = "{{predictUrl}}"
	key        = "YOUR_SECRET_KEY"
	image      = "path/to/image.jpg"
)

func main() {
	raw, err := os.ReadFile(image)
	if err != nil {
		fail(err)
	}
	body, err := json.Marshal(map[string]string{"image_type": "base64", "data": base64.StdEncoding.EncodeToString(raw)})
	if err != nil {
		fail(err)
	}
	request, err := http.NewRequest(http.MethodPost, predictURL, bytes.NewReader(body))
	if err != nil {
		fail(err)
	}
	request.Header.Set("Authorization", "Bearer "+key)
	request.Header.Set("Content-Type", "application/json")
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		fail(err)
	}
	defer response.Body.Close()
	result, err := io.ReadAll(response.Body)
	if err != nil {
		fail(err)
	}
	fmt.Println(string(result))
	if response.StatusCode != http.StatusOK {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
