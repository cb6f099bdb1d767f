// Predict with Node.js 18+ and its built-in fetch (no package needed) on an image the node downloads itself (image_type url).
const URL = "{{predictUrl}}";
const KEY = "YOUR_SECRET_KEY";
const IMAGE_URL = "https://example.com/image.jpg";

async function main() {
  const response = await fetch(URL, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({ image_type: "url", data: IMAGE_URL }),
  });
  const text = await response.text();
  if (!response.ok) {
    console.error(`${response.status} ${text}`);
    process.exitCode = 1;
    return;
  }
  console.log(JSON.stringify(JSON.parse(text), null, 2));
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
