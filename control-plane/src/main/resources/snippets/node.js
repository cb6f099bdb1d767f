// Predict with Node.js 18+ and its built-in fetch (no package needed): reads an image, sends it as base64 and prints the JSON response.
const fs = require("fs");

const URL = "{{predictUrl}}";
const KEY = "YOUR_SECRET_KEY";
const IMAGE = "path/to/image.jpg";

async function main() {
  const data = fs.readFileSync(IMAGE).toString("base64");
  const response = await fetch(URL, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({ image_type: "base64", data }),
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
