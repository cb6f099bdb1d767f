# Predict with R (packages httr and jsonlite): reads an image, sends it as base64 and prints the JSON response.
library(httr)
library(jsonlite)

url <- "{{predictUrl}}"
key <- "YOUR_SECRET_KEY"
image <- "path/to/image.jpg"

# base64_enc wraps its output in lines; the request wants one unbroken string.
data <- gsub("\n", "", base64_enc(readBin(image, "raw", file.info(image)$size)), fixed = TRUE)
response <- POST(url,
                 add_headers(Authorization = paste("Bearer", key)),
                 body = list(image_type = "base64", data = data),
                 encode = "json")
cat(content(response, as = "text", encoding = "UTF-8"), "\n")
if (status_code(response) != 200) quit(status = 1)
