"""State changes of the platform: invitations, memberships and one's own profile.

Views validate input and call these; these own the transaction and queue side
effects on commit.

Whose access a person may change is their *people scope* (``people_scope``): a tenant admin
everybody's (``members.manage``), a partner admin only its own partner's users, with partner
roles (``members.manage_partner``).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from channelhub import audit
from channelhub.approvals import revoke_links_of
from channelhub.mail import queue_templated_email
from channelhub.models import Invitation, Membership, Tenant, User
from channelhub.roles import PARTNER_ROLES, Role, can, require


class InvitationError(Exception):
    """An invitation that cannot be used; ``code`` picks the page shown."""

    def __init__(self, code: str, invitation: Invitation | None = None):
        super().__init__(code)
        self.code = code
        self.invitation = invitation


def language_for(user: User | None, tenant: Tenant | None = None) -> str:
    """The language to write to ``user`` in: their preference, else the workspace's default."""
    codes = {code for code, _label in settings.LANGUAGES}
    for language in (getattr(user, "language", ""), getattr(tenant, "default_language", "")):
        if language in codes:
            return language
    return settings.LANGUAGE_CODE


def people_scope(by: User):
    """Whose access ``by`` may change in the active tenant: ``None`` for everybody (tenant admin,
    ``members.manage``), else the id of its own partner (partner admin, ``members.manage_partner``).
    Anyone else: ``PermissionDenied``."""
    membership = Membership.objects.filter(user=by, is_active=True).only("role", "partner_id").first()
    role = membership.role if membership else None
    if can(role, "members.manage"):
        return None
    if can(role, "members.manage_partner") and membership.partner_id:
        return membership.partner_id
    raise PermissionDenied(_("Your role may not do this."))


def invite_member(*, tenant: Tenant, email: str, role: str, partner=None, by: User) -> Invitation:
    """An invitation sent from the people page, within the sender's people scope: a partner admin
    invites only into its own partner, with a partner role."""
    scope = people_scope(by)
    if scope is not None:
        if role not in PARTNER_ROLES:
            raise ValidationError({"role": _("Choose partner admin or partner staff.")})
        if partner is not None and partner.pk != scope:
            raise PermissionDenied(_("Your role may not do this."))
        partner = Membership._meta.get_field("partner").related_model.objects.get(pk=scope)
    return invite_user(tenant=tenant, email=email, role=role, partner=partner, by=by)


def invite_user(*, tenant: Tenant, email: str, role: str, partner=None, by: User) -> Invitation:
    """Invite ``email`` with ``role`` (no permission check: callers are the people page through
    ``invite_member`` and contract signing, which invites the new partner's admin)."""
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
            # Someone who has an account (say, in another workspace) reads it in their own language.
            language=language_for(User.objects.filter(email__iexact=email).first(), tenant),
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
    scope = people_scope(by)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if scope is not None and locked.partner_id != scope:
            raise PermissionDenied(_("Your role may not do this."))
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
    """Change a person's role, partner or access, within ``by``'s people scope. A partner admin
    keeps the person in its own partner with a partner role, and may step down or leave only
    while another active partner admin of the partner remains."""
    scope = people_scope(by)
    if scope is not None:
        if membership.partner_id != scope or (partner is not None and partner.pk != scope):
            raise PermissionDenied(_("Your role may not do this."))
        if role not in PARTNER_ROLES:
            raise ValidationError({"role": _("Choose partner admin or partner staff.")})
        partner = membership.partner
    if role in PARTNER_ROLES and partner is None:
        raise ValidationError({"partner": _("Partner users must belong to a partner.")})
    with transaction.atomic():
        if membership.partner_id:
            # The partner's admins first, in one order: two admins stepping down at once are
            # serialised, and the second sees that the first is gone.
            admins = _partner_admins(membership.partner_id).select_for_update(of=("self",))
            list(admins.order_by("pk").values_list("pk", flat=True))
        membership = (
            Membership.objects.select_for_update(of=("self",)).select_related("partner").get(pk=membership.pk)
        )
        if scope is not None and membership.partner_id != scope:
            raise PermissionDenied(_("Your role may not do this."))
        leaves_admin = membership.role == Role.PARTNER_ADMIN and (role != Role.PARTNER_ADMIN or not is_active)
        if membership.user_id == by.pk and scope is None and (role != membership.role or not is_active):
            raise ValidationError(_("You cannot change your own role or deactivate yourself."))
        if (
            membership.user_id == by.pk
            and leaves_admin
            and not _partner_admins(membership.partner_id).exclude(pk=membership.pk).exists()
        ):
            raise ValidationError(
                _(
                    "You are the only active partner admin of %(partner)s: make a colleague partner "
                    "admin first, so that someone can still manage your company's people."
                )
                % {"partner": membership.partner.name}
            )
        before = {
            "role": membership.role,
            # Names, not ids: the timeline shows the diff as it was stored.
            "partner": membership.partner.name if membership.partner_id else None,
            "is_active": membership.is_active,
        }
        membership.role = role
        membership.partner = partner if role in PARTNER_ROLES else None
        membership.is_active = is_active
        membership.save(update_fields=["role", "partner", "is_active"])
        after = {
            "role": membership.role,
            "partner": membership.partner.name if membership.partner_id else None,
            "is_active": membership.is_active,
        }
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


def _partner_admins(partner_id):
    """The active partner admins of a partner."""
    return Membership.objects.filter(
        partner_id=partner_id, role=Role.PARTNER_ADMIN, is_active=True, user__is_active=True
    )


def update_profile(user: User, *, full_name: str, phone: str, language: str) -> User:
    """One's own name, phone (already normalised, E.164) and preferred language."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.full_name = full_name.strip()
        locked.phone = phone or ""
        locked.language = language or ""
        locked.save(update_fields=["full_name", "phone", "language"])
    user.full_name, user.phone, user.language = locked.full_name, locked.phone, locked.language
    return user


# The workspace settings its tenant admin keeps (the operators set the rest in the Django admin).
TENANT_SETTINGS = ("default_language", "upload_limit_mb", "approval_link_hours", "partner_changes_by_filing")


def update_tenant_settings(tenant: Tenant, *, data: dict, by: User) -> Tenant:
    """Change the workspace's default language, upload limit, approval-link validity and whether
    governed partner fields change only by filing; the change goes on the tenant's timeline."""
    require(by, "tenant.configure", tenant.pk)
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        audit.apply_changes(locked, TENANT_SETTINGS, data, by=by, verb="tenant.settings_changed", exclude=())
    for name in TENANT_SETTINGS:
        setattr(tenant, name, getattr(locked, name))
    return tenant
