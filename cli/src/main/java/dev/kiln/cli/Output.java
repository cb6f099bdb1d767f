package dev.kiln.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code --output table} (for people) or {@code json} (the API's bodies exactly as they came). */
enum Output {
    TABLE, JSON;

    /** Columns padded to their widest cell; an empty cell shows as "-". */
    static void table(PrintWriter out, List<String> headers, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        rows.forEach(row -> all.add(row.stream().map(c -> c == null || c.isEmpty() ? "-" : c).toList()));
        int[] widths = new int[headers.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + widths[i] + "s  ", row.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** One "field: value" line each, for a single resource. */
    static void fields(PrintWriter out, List<String> names, List<String> values) {
        int width = names.stream().mapToInt(String::length).max().orElse(0) + 1;
        for (int i = 0; i < names.size(); i++) {
            String value = values.get(i);
            out.println(String.format("%-" + width + "s ", names.get(i) + ":") + (value == null ? "-" : value));
        }
    }
}
