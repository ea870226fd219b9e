"""State changes of the platform: invitations and memberships.

Views validate input and call these; these own the transaction and queue side
effects on commit.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from channelhub import audit
from channelhub.approvals import revoke_links_of
from channelhub.mail import queue_templated_email
from channelhub.models import Invitation, Membership, Tenant, User
from channelhub.roles import PARTNER_ROLES


class InvitationError(Exception):
    """An invitation that cannot be used; ``code`` picks the page shown."""

    def __init__(self, code: str, invitation: Invitation | None = None):
        super().__init__(code)
        self.code = code
        self.invitation = invitation


def invite_user(*, tenant: Tenant, email: str, role: str, partner=None, by: User) -> Invitation:
    email = email.strip().lower()
    if role in PARTNER_ROLES and partner is None:
        raise ValidationError({"partner": _("Partner users must belong to a partner.")})
    if role not in PARTNER_ROLES:
        partner = None
    if Membership.objects.filter(user__email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": _("This person is already a member of this workspace.")})
    with transaction.atomic():
        # A fresh invitation replaces any still-pending one for the same address.
        Invitation.objects.pending().filter(email__iexact=email).update(revoked_at=timezone.now())
        token, token_hash = Invitation.new_token()
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            partner=partner,
            token_hash=token_hash,
            invited_by=by,
            expires_at=Invitation.default_expiry(),
        )
        audit.record(invitation, "invitation.sent", actor=by, to_state=role, comment=email)
        queue_templated_email(
            template="channelhub/email/invitation",
            to=[email],
            language=tenant.default_language,
            tenant_id=tenant.pk,
            context={
                "tenant": tenant,
                "invitation": invitation,
                "inviter": by,
                "link": settings.SITE_URL + reverse("invitation-accept", args=[token]),
            },
        )
    return invitation


def revoke_invitation(invitation: Invitation, *, by: User) -> None:
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != "pending":
            raise ValidationError(_("Only a pending invitation can be revoked."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(locked, "invitation.revoked", actor=by, comment=locked.email)


def find_invitation(token: str) -> Invitation:
    """The invitation for a token from an e-mail link, or InvitationError saying why not."""
    invitation = (
        Invitation.all_tenants.select_related("tenant", "partner")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    if invitation is None or not invitation.tenant.is_active:
        raise InvitationError("invalid")
    status = invitation.status
    if status != "pending":
        raise InvitationError(status, invitation)
    return invitation


def accept_invitation(
    token: str, *, user: User | None = None, full_name: str = "", password: str = ""
) -> Membership:
    """Accept for a logged-in ``user`` (whose e-mail must match) or create the account.

    Locks the invitation row so a link clicked twice at once is used exactly once.
    """
    from channelhub.tenancy import tenant_context

    with transaction.atomic():
        invitation = find_invitation(token)
        invitation = Invitation.all_tenants.select_for_update().get(pk=invitation.pk)
        if invitation.status != "pending":
            raise InvitationError(invitation.status, invitation)
        if user is None:
            user = User.objects.filter(email__iexact=invitation.email).first()
            if user is not None:
                raise InvitationError("login_required", invitation)
            user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name)
        elif user.email.lower() != invitation.email.lower():
            raise InvitationError("wrong_user", invitation)
        with tenant_context(invitation.tenant):
            membership, _created = Membership.objects.update_or_create(
                user=user,
                defaults={"role": invitation.role, "partner": invitation.partner, "is_active": True},
            )
            invitation.accepted_at = timezone.now()
            invitation.accepted_by = user
            invitation.save(update_fields=["accepted_at", "accepted_by"])
            audit.record(invitation, "invitation.accepted", actor=user, to_state=invitation.role)
            audit.record(membership, "membership.joined", actor=user, to_state=membership.role)
    return membership


def change_membership(membership: Membership, *, role: str, partner, is_active: bool, by: User) -> Membership:
    if role in PARTNER_ROLES and partner is None:
        raise ValidationError({"partner": _("Partner users must belong to a partner.")})
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.user_id == by.pk and (role != membership.role or not is_active):
            raise ValidationError(_("You cannot change your own role or deactivate yourself."))
        before = {
            "role": membership.role,
            "partner": membership.partner_id,
            "is_active": membership.is_active,
        }
        membership.role = role
        membership.partner = partner if role in PARTNER_ROLES else None
        membership.is_active = is_active
        membership.save(update_fields=["role", "partner", "is_active"])
        after = {"role": membership.role, "partner": membership.partner_id, "is_active": membership.is_active}
        changes = audit.diff(before, after)
        if changes:
            audit.record(
                membership,
                "membership.changed",
                actor=by,
                from_state=before["role"],
                to_state=after["role"],
                changes=changes,
            )
        if "role" in changes or not is_active:
            # E-mailed approval links die with the role (or the access) they were sent for.
            revoke_links_of(membership.user)
    return membership
