-- Why: each refused node registration looks up the latest refusal of its (node name, source address) to count
-- repeats into one audit row; this keeps that lookup an index probe however long the audit trail grows.
CREATE INDEX audit_events_refused_registration_idx ON audit_events (remote_address, (detail ->> 'name'), id DESC)
    WHERE action = 'node.register_refused';
