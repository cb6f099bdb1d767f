// Predict from a web page with fetch on an image the node downloads itself (image_type url); logs the response.
// Anyone who opens the page can read the key: use one scoped to this deployment, with a rate limit, and allow
// the page's origin in the project's allowedOrigins.
const URL = "{{predictUrl}}";
const KEY = "YOUR_SECRET_KEY";
const IMAGE_URL = "https://example.com/image.jpg";

async function predict() {
  const response = await fetch(URL, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({ image_type: "url", data: IMAGE_URL }),
  });
  const result = await response.json();
  if (!response.ok) {
    throw new Error(`${response.status} ${JSON.stringify(result)}`);
  }
  console.log(JSON.stringify(result, null, 2));
  return result;
}

predict().catch((error) => console.error(error));
