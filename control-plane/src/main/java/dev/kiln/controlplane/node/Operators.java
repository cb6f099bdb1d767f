package dev.kiln.controlplane.node;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.ForbiddenException;
import dev.kiln.controlplane.tenancy.User;
import dev.kiln.controlplane.tenancy.UserRepository;
import jakarta.inject.Singleton;

/**
 * Who may manage the fleet. Nodes and the GPU type catalog are shared by every tenant, so no organization role
 * decides it: a user is an operator when their {@code users.is_operator} flag is set. The bootstrap admin is
 * one; an operator can make others only in the database (there is no API for it, on purpose).
 */
@Singleton
class Operators {

    private final UserRepository users;

    Operators(UserRepository users) {
        this.users = users;
    }

    void require(Caller caller, String action) {
        if (!users.findById(caller.userId()).map(User::operator).orElse(false)) {
            throw new ForbiddenException("Only operators may " + action + ".");
        }
    }
}
