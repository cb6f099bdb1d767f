# Predict with Python 3 (standard library only): reads an image, sends it as base64 and prints the JSON response.
import base64
import json
import sys
import urllib.error
import urllib.request

URL = "{{predictUrl}}"
KEY = "YOUR_SECRET_KEY"
IMAGE = "path/to/image.jpg"

with open(IMAGE, "rb") as image:
    data = base64.b64encode(image.read()).decode("ascii")

request = urllib.request.Request(
    URL,
    data=json.dumps({"image_type": "base64", "data": data}).encode("utf-8"),
    headers={"Authorization": "Bearer " + KEY, "Content-Type": "application/json"},
    method="POST",
)
try:
    with urllib.request.urlopen(request) as response:
        print(json.dumps(json.load(response), indent=2))
except urllib.error.HTTPError as error:
    print(error.code, error.read().decode("utf-8"), file=sys.stderr)
    sys.exit(1)
