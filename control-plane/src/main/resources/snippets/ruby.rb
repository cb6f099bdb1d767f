# Predict with Ruby (standard library net/http): reads an image, sends it as base64 and prints the JSON response.
require "json"
require "net/http"

URL = URI("{{predictUrl}}")
KEY = "YOUR_SECRET_KEY"
IMAGE = "path/to/image.jpg"

data = [File.binread(IMAGE)].pack("m0")
request = Net::HTTP::Post.new(URL, "Authorization" => "Bearer #{KEY}", "Content-Type" => "application/json")
request.body = JSON.generate({ image_type: "base64", data: data })
response = Net::HTTP.start(URL.hostname, URL.port, use_ssl: URL.scheme == "https") { |http| http.request(request) }
puts response.body
exit 1 unless response.code == "200"
