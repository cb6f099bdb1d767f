package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** A successful answer: its status and body exactly as the server sent it ({@code --output json} prints it). */
record ApiResponse(int status, String body) {

    JsonNode json() {
        return Json.parse(body);
    }
}
