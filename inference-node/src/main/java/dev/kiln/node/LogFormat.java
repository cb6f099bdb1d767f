package dev.kiln.node;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * Names the logback appender from {@code KILN_LOG_FORMAT}: {@code json} for one JSON object per line, plain text
 * for anything else, so a typo never leaves the process without logs.
 */
public class LogFormat extends PropertyDefinerBase {

    @Override
    public String getPropertyValue() {
        String format = getContext() == null ? null : getContext().getProperty("KILN_LOG_FORMAT");
        return appender(format != null ? format : System.getenv("KILN_LOG_FORMAT"));
    }

    static String appender(String format) {
        return format != null && format.trim().equalsIgnoreCase("json") ? "json" : "text";
    }
}
