import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channelhub.caching import InvalidatingQuerySet
from channelhub.roles import PARTNER_ROLES, Role
from channelhub.tenancy import TenantOwnedModel, TenantQuerySet, TenantScopedManager
from channelhub.validators import PhoneNumberField


class UserQuerySet(InvalidatingQuerySet):
    pass


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person; what they may do depends on their membership in the active tenant."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    # Blank: the workspace's default. Used for the interface after log-in and the person's e-mails.
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name

    # What the shared cache keeps of a user (channelhub.caching): the user for the session, their
    # memberships for the shell; and their name in their workspaces' kept member lists.
    @staticmethod
    def cache_scopes_of(user) -> list[str]:
        return User.cache_scopes(User.objects.filter(pk=user.pk))

    @classmethod
    def cache_scopes(cls, queryset) -> list[str]:
        ids = list(queryset.values_list("pk", flat=True))
        tenants = Membership.all_tenants.filter(user_id__in=ids).values_list("tenant_id", flat=True)
        return [f"user:{pk}" for pk in ids] + [f"members:{pk}" for pk in set(tenants)]

    def save(self, *args, **kwargs):
        # Log-in lower-cases what is typed; so must every other way in (admin, shell).
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        return self.full_name or self.get_full_name() or self.email


slug_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$", _("Lower-case letters, digits and hyphens.")
)


class WorkspaceQuerySet(InvalidatingQuerySet):
    pass


class Tenant(models.Model):
    """One company running a channel programme."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("URL name"), max_length=40, unique=True, validators=[slug_validator])
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    default_language = models.CharField(
        _("default language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    upload_limit_mb = models.PositiveSmallIntegerField(
        _("upload size limit (MB)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    approval_link_hours = models.PositiveSmallIntegerField(
        _("approval link validity (hours)"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    partner_changes_by_filing = models.BooleanField(
        _("governed partner fields change only by filing"),
        default=True,
        help_text=_(
            "Territory, channel type, tier and bank account change through a recorded change filing; "
            "only the tenant admin may change them directly, giving a reason. Imports do not change them."
        ),
    )

    objects = models.Manager.from_queryset(WorkspaceQuerySet)()

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ["name"]

    def __str__(self):
        return self.name

    # Every user's kept memberships hold their tenants (channelhub.caching): a change to any
    # workspace (rare: its settings) recomputes them all.
    @staticmethod
    def cache_scopes_of(tenant) -> tuple[str, ...]:
        return ("tenants",)

    @classmethod
    def cache_scopes(cls, queryset) -> tuple[str, ...]:
        return ("tenants",)

    @property
    def tenant_id(self):
        """A workspace is its own tenant: its settings' history is kept like any record's."""
        return self.pk


class MembershipQuerySet(InvalidatingQuerySet, TenantQuerySet):
    pass


class Membership(TenantOwnedModel):
    """A user's role in one tenant. Partner roles are further tied to one partner."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("partner"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    objects = TenantScopedManager.from_queryset(MembershipQuerySet)()
    all_tenants = models.Manager.from_queryset(MembershipQuerySet)()  # noqa: DJ012

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_one_per_tenant"),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=[r.value for r in sorted(PARTNER_ROLES)], partner__isnull=False)
                    | (
                        ~models.Q(role__in=[r.value for r in sorted(PARTNER_ROLES)])
                        & models.Q(partner__isnull=True)
                    )
                ),
                name="membership_partner_iff_partner_role",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "role"])]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"

    # A membership is part of its user's kept workspaces and of its tenant's member count.
    @staticmethod
    def cache_scopes_of(membership) -> tuple[str, ...]:
        return (f"user:{membership.user_id}", f"members:{membership.tenant_id}")

    @classmethod
    def cache_scopes(cls, queryset) -> list[str]:
        rows = queryset.values_list("user_id", "tenant_id")
        return [scope for user_id, tenant_id in rows for scope in (f"user:{user_id}", f"members:{tenant_id}")]

    @property
    def is_partner_user(self):
        return self.role in PARTNER_ROLES


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(TenantQuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(TenantOwnedModel):
    """An e-mailed offer to join a tenant with a role. The token is stored hashed."""

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = TenantScopedManager.from_queryset(InvitationQuerySet)()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["tenant", "email"])]
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.get_role_display()}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, _hash_token(token)

    @staticmethod
    def hash_token(token: str) -> str:
        return _hash_token(token)

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
