// Predict from a web page with fetch: loads an image the page can reach, sends it as base64 and logs the response.
// Anyone who opens the page can read the key: use one scoped to this deployment, with a rate limit.
const URL = "{{predictUrl}}";
const KEY = "YOUR_SECRET_KEY";
const IMAGE = "path/to/image.jpg";

async function predict() {
  const image = await (await fetch(IMAGE)).blob();
  const dataUrl = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(image);
  });
  const response = await fetch(URL, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({ image_type: "base64", data: dataUrl }),
  });
  const result = await response.json();
  if (!response.ok) {
    throw new Error(`${response.status} ${JSON.stringify(result)}`);
  }
  console.log(JSON.stringify(result, null, 2));
  return result;
}

predict().catch((error) => console.error(error));
