package dev.kiln.deploy.check;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Secrets deploy/README.md tells operators to create, from its table under "Operator-provided Secrets":
 * rows like {@code | `kiln-database` | `url`, `username`, `password` | what for |}.
 */
final class OperatorSecrets {
    private static final Pattern ROW = Pattern.compile("(?m)^\\|\\s*`([a-z0-9-]+)`\\s*\\|\\s*([^|]*)\\|");

    private OperatorSecrets() {
    }

    /** "Secret/name" → documented keys. */
    static Map<String, Set<String>> documented() {
        String readme = Repo.read(Repo.path("deploy/README.md"));
        int start = readme.indexOf("Operator-provided Secrets");
        if (start < 0) {
            throw new AssertionError("deploy/README.md has no section \"Operator-provided Secrets\"");
        }
        int end = readme.indexOf("\n#", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Map<String, Set<String>> out = new TreeMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            Set<String> keys = new TreeSet<>();
            Arrays.stream(m.group(2).split(",")).map(k -> k.replace("`", "").trim()).filter(k -> !k.isEmpty())
                    .filter(k -> !k.equals("—") && !k.equals("-")).forEach(keys::add);
            out.put("Secret/" + m.group(1), keys);
        }
        return out;
    }
}
