#!/bin/sh
# Predict with curl on an image the node downloads itself (image_type url); prints the JSON response.
KEY="YOUR_SECRET_KEY"
IMAGE_URL="https://example.com/image.jpg"
URL="{{predictUrl}}"

curl -sS -X POST "$URL" \
  -H "Authorization: Bearer $KEY" \
  -H "Content-Type: application/json" \
  -d "{\"image_type\":\"url\",\"data\":\"$IMAGE_URL\"}"
echo
