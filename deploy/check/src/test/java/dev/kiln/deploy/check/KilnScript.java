package dev.kiln.deploy.check;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What ./kiln fixes for every app it starts: the JVM flags (COMMON_JAVA_OPTS). */
final class KilnScript {
    private KilnScript() {
    }

    static List<String> commonJavaOptions() {
        Matcher m = Pattern.compile("(?s)COMMON_JAVA_OPTS=\\((.*?)\\)").matcher(Repo.read(Repo.path("kiln")));
        if (!m.find()) {
            throw new AssertionError("the kiln script has no COMMON_JAVA_OPTS");
        }
        List<String> flags = List.of(m.group(1).trim().split("\\s+"));
        if (flags.isEmpty()) {
            throw new AssertionError("COMMON_JAVA_OPTS is empty");
        }
        return flags;
    }
}
