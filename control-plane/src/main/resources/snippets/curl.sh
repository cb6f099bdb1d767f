#!/bin/sh
# Predict with curl: reads an image, sends it as base64 and prints the JSON response.
KEY="YOUR_SECRET_KEY"
IMAGE="path/to/image.jpg"
URL="{{predictUrl}}"

# The body is streamed to curl, so large images never hit the command-line length limit.
{ printf '{"image_type":"base64","data":"'; base64 < "$IMAGE" | tr -d '\n'; printf '"}'; } |
  curl -sS -X POST "$URL" \
    -H "Authorization: Bearer $KEY" \
    -H "Content-Type: application/json" \
    --data-binary @-
echo
