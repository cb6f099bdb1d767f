package dev.kiln.controlplane.node;

import dev.kiln.controlplane.audit.Actor;
import dev.kiln.controlplane.audit.AuditEventRepository;
import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.common.Times;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Refused registrations on the fleet's audit trail without flooding it: the first refusal of a (node name, source
 * address) gets a row with {@code count} 1; repeats within {@code kiln.nodes.refusal-audit-window} of that row's
 * first attempt are counted into it ({@code count}, {@code lastAt}), as {@link RefusalCoalescing} decides.
 */
@Singleton
class RefusalAudit {

    static final String ACTION = "node.register_refused";

    private final AuditLog audit;
    private final AuditEventRepository events;
    private final NodesConfig config;
    private final Clock clock;

    RefusalAudit(AuditLog audit, AuditEventRepository events, NodesConfig config, Clock clock) {
        this.audit = audit;
        this.events = events;
        this.config = config;
        this.clock = clock;
    }

    @Transactional
    void record(Actor actor, String name, String address, Map<String, String> extra) {
        Instant now = Times.now(clock);
        String from = Objects.requireNonNullElse(actor.remoteAddress(), "");
        var latest = events.findLatestNamed(ACTION, from, name)
                .map(row -> new RefusalCoalescing.Latest(row.id(), row.createdAt()));
        switch (RefusalCoalescing.decide(latest, now, config.refusalAuditWindow())) {
            case RefusalCoalescing.Decision.CountInto into -> events.countRepeat(into.id(), now.toString());
            case RefusalCoalescing.Decision.NewRow ignored -> {
                Map<String, Object> detail = new LinkedHashMap<>(extra);
                detail.put("name", name);
                detail.put("address", address);
                detail.put("count", 1);
                audit.record(actor, ACTION, new AuditLog.Target(null, null, "node", null), detail);
            }
        }
    }
}
