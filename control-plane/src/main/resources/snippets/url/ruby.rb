# Predict with Ruby (standard library net/http) on an image the node downloads itself (image_type url).
require "json"
require "net/http"

URL = URI("{{predictUrl}}")
KEY = "YOUR_SECRET_KEY"
IMAGE_URL = "https://example.com/image.jpg"

request = Net::HTTP::Post.new(URL, "Authorization" => "Bearer #{KEY}", "Content-Type" => "application/json")
request.body = JSON.generate({ image_type: "url", data: IMAGE_URL })
response = Net::HTTP.start(URL.hostname, URL.port, use_ssl: URL.scheme == "https") { |http| http.request(request) }
puts response.body
exit 1 unless response.code == "200"
