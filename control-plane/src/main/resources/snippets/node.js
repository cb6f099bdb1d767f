// Predict with Node.js and axios (npm install axios): reads an image, sends it as base64 and prints the JSON response.
const fs = require("fs");
const axios = require("axios");

const URL = "{{predictUrl}}";
const KEY = "YOUR_SECRET_KEY";
const IMAGE = "path/to/image.jpg";

const data = fs.readFileSync(IMAGE).toString("base64");

axios
  .post(URL, { image_type: "base64", data }, {
    headers: { Authorization: `Bearer ${KEY}` },
    maxBodyLength: Infinity,
  })
  .then((response) => console.log(JSON.stringify(response.data, null, 2)))
  .catch((error) => {
    console.error(error.response ? `${error.response.status} ${JSON.stringify(error.response.data)}` : error.message);
    process.exitCode = 1;
  });
