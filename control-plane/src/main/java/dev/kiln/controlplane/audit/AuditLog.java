package dev.kiln.controlplane.audit;

import dev.kiln.controlplane.common.Times;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/** Writes audit events; called inside the transaction of the change it records, so both commit or neither. */
@Singleton
public class AuditLog {

    /** What an event is about. */
    public record Target(@Nullable UUID organizationId, @Nullable UUID projectId, @Nullable String type,
                         @Nullable String id) {
    }

    private final AuditEventRepository events;
    private final JsonMapper json;
    private final Clock clock;

    AuditLog(AuditEventRepository events, JsonMapper json, Clock clock) {
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    @Transactional
    public void record(Actor actor, String action, Target target, Map<String, ?> detail) {
        events.save(new AuditEvent(null, target.organizationId(), target.projectId(), actor.userId(),
                truncate(actor.name()), action, target.type(), target.id(), toJson(detail), actor.remoteAddress(),
                Times.now(clock)));
    }

    private String toJson(Map<String, ?> detail) {
        try {
            return json.writeValueAsString(detail);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Actor names come from request bodies on failed logins; keep the table sane. */
    private static String truncate(String name) {
        return name.length() > 200 ? name.substring(0, 200) : name;
    }
}
