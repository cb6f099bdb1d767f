// Predict with Go (net/http): save as main.go and run `go run main.go`.
// Sends the URL of an image the node downloads itself (image_type url) and prints the JSON response.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
)

const (
	predictURL = "{{predictUrl}}"
	key        = "YOUR_SECRET_KEY"
	imageURL   = "https://example.com/image.jpg"
)

func main() {
	body, err := json.Marshal(map[string]string{"image_type": "url", "data": imageURL})
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
