# Predict with R (packages httr and jsonlite) on an image the node downloads itself (image_type url).
library(httr)
library(jsonlite)

url <- "{{predictUrl}}"
key <- "YOUR_SECRET_KEY"
image_url <- "https://example.com/image.jpg"

response <- POST(url,
                 add_headers(Authorization = paste("Bearer", key)),
                 body = list(image_type = "url", data = image_url),
                 encode = "json")
cat(content(response, as = "text", encoding = "UTF-8"), "\n")
if (status_code(response) != 200) quit(status = 1)
