package dev.kiln.controlplane.people;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.NotFoundException;
import dev.kiln.controlplane.common.Times;
import dev.kiln.controlplane.mail.Mailer;
import dev.kiln.controlplane.people.InvitationViews.CreatedInvitation;
import dev.kiln.controlplane.people.InvitationViews.Invite;
import dev.kiln.controlplane.people.InvitationViews.InvitationView;
import dev.kiln.controlplane.people.InvitationViews.Preview;
import dev.kiln.controlplane.tenancy.Access;
import dev.kiln.controlplane.tenancy.Organization;
import dev.kiln.controlplane.tenancy.OrganizationRepository;
import dev.kiln.controlplane.tenancy.Role;
import dev.kiln.controlplane.tenancy.UserRepository;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Invitations (issue 13): an ADMIN or OWNER invites an address with a role; the link goes by mail when SMTP is
 * configured. The mail is sent after the invitation's transaction committed; when it fails the invitation is
 * removed again and the caller gets a 502 saying so.
 */
@Singleton
class InvitationService {

    private final InvitationWrites writes;
    private final InvitationRepository invitations;
    private final OrganizationRepository organizations;
    private final UserRepository users;
    private final Access access;
    private final Mailer mailer;
    private final Clock clock;

    InvitationService(InvitationWrites writes, InvitationRepository invitations, OrganizationRepository organizations,
                      UserRepository users, Access access, Mailer mailer, Clock clock) {
        this.writes = writes;
        this.invitations = invitations;
        this.organizations = organizations;
        this.users = users;
        this.access = access;
        this.mailer = mailer;
        this.clock = clock;
    }

    /** @param linkBase the dashboard's public base URL; asked for only when a mail goes out */
    CreatedInvitation invite(Caller caller, UUID organizationId, Invite request, Supplier<String> linkBase) {
        InvitationWrites.Made made = writes.create(caller, organizationId, request);
        Invitation invitation = made.invitation();
        String delivery = "none";
        if (mailer.enabled()) {
            try {
                mailer.send(invitation.email(), "You are invited to " + made.organization().name() + " on Kiln",
                        mailText(made, linkBase.get()), "The invitation mail could not be sent, so no invitation "
                                + "was made.");
            } catch (RuntimeException e) {
                writes.discard(caller, invitation);
                throw e;
            }
            delivery = "email";
        }
        return new CreatedInvitation(invitation.id(), invitation.organizationId(), made.organization().name(),
                invitation.email(), invitation.role(), invitation.status(), invitation.expiresAt(),
                invitation.createdAt(), delivery);
    }

    List<InvitationView> pending(Caller caller, UUID organizationId) {
        Organization organization = access.organization(caller, organizationId, Role.ADMIN);
        return invitations.findPendingIn(organizationId, Times.now(clock)).stream()
                .map(i -> view(i, organization.name())).toList();
    }

    List<InvitationView> mine(Caller caller) {
        String email = writes.self(caller).email();
        return invitations.findPendingFor(email, Times.now(clock)).stream()
                .map(i -> view(i, organizationName(i.organizationId()))).toList();
    }

    Preview preview(String token) {
        Invitation invitation = writes.byToken(token)
                .orElseThrow(() -> new NotFoundException(InvitationWrites.NO_INVITATION));
        return new Preview(organizationName(invitation.organizationId()), invitation.email(), invitation.role(),
                invitation.expiresAt(), users.findByEmailIgnoreCase(invitation.email()).isPresent());
    }

    private String organizationName(UUID organizationId) {
        return organizations.findById(organizationId).map(Organization::name).orElse("");
    }

    private static InvitationView view(Invitation i, String organizationName) {
        return new InvitationView(i.id(), i.organizationId(), organizationName, i.email(), i.role(), i.status(),
                i.expiresAt(), i.createdAt());
    }

    private static String mailText(InvitationWrites.Made made, String base) {
        Invitation i = made.invitation();
        return "You have been invited to join the organization \"" + made.organization().name() + "\" on Kiln as "
                + i.role() + ".\n\nAccept the invitation here (the link works once, until " + i.expiresAt()
                + "):\n\n" + base + "/#/accept-invitation/" + made.token()
                + "\n\nIf you did not expect this invitation, ignore this mail.\n";
    }
}
