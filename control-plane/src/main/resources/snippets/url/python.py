# Predict with Python 3 (standard library only) on an image the node downloads itself (image_type url).
import json
import sys
import urllib.error
import urllib.request

URL = "{{predictUrl}}"
KEY = "YOUR_SECRET_KEY"
IMAGE_URL = "https://example.com/image.jpg"

request = urllib.request.Request(
    URL,
    data=json.dumps({"image_type": "url", "data": IMAGE_URL}).encode("utf-8"),
    headers={"Authorization": "Bearer " + KEY, "Content-Type": "application/json"},
    method="POST",
)
try:
    with urllib.request.urlopen(request) as response:
        print(json.dumps(json.load(response), indent=2))
except urllib.error.HTTPError as error:
    print(error.code, error.read().decode("utf-8"), file=sys.stderr)
    sys.exit(1)
