package dev.kiln.controlplane.tenancy;

/** Organization roles of DESIGN §8, weakest first so {@link #atLeast} can compare by order. */
public enum Role {
    VIEWER, MEMBER, ADMIN, OWNER;

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }
}
