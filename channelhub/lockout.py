"""Log-in lock-out with django-axes: the (address, IP) pair, and the IP alone at a higher limit.

Axes records each failed log-in (``AccessAttempt``: address, IP, user agent, count, time of the
last failure) and refuses an attempt once ``get_failures()`` reaches ``AXES_FAILURE_LIMIT``. It
knows one limit for all its lock-out parameters; this handler gives each parameter combination
its own: the pair locks at ``LOGIN_FAILURE_LIMIT``, the IP alone at ``LOGIN_FAILURE_LIMIT_PER_IP``.
So an attacker elsewhere cannot lock a person out (only their own pair), and one IP trying
many addresses is throttled. The settings are in ``channelhub/settings.py``; why in docs/security.md.
"""

import hashlib
import ipaddress
import logging
from zoneinfo import ZoneInfo

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import (
    get_client_parameters,
    get_client_username,
    get_cool_off,
    get_failure_limit,
)
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Sum
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

IP_ONLY = ("ip_address",)


def username_of(request, credentials=None) -> str | None:
    """The address as the log-in compares it (trimmed, lower case): ``A@x`` and ``a@x `` are one pair."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        data = getattr(request, "POST", None) or {}
        value = data.get(settings.AXES_USERNAME_FORM_FIELD)
    if value is None:
        return None
    return str(value).strip().lower()[:255]


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` proxies the entry the
    outermost one appended to X-Forwarded-For. Entries left of it are whatever the client sent."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(chain) < proxies:
        return remote  # not through the proxies (the container's own health check)
    candidate = chain[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def lockout_response(request, original_response=None, credentials=None):
    """The page as the view rendered it: the log-in forms already say "too many attempts"."""
    if isinstance(original_response, HttpResponseBase):
        return original_response
    return HttpResponse(_("Too many failed log-in attempts. Try again later."), status=429)


def _limit_for(parameters: tuple, pair_limit: int) -> int:
    return settings.LOGIN_FAILURE_LIMIT_PER_IP if parameters == IP_ONLY else pair_limit


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lock-out parameter combination."""

    def counted_attempts(self, request, credentials=None):
        """``(parameters, failures within the window, attempts queryset)`` per combination."""
        username = get_client_username(request, credentials)
        combinations = get_client_parameters(
            username, request.axes_ip_address, request.axes_user_agent, request, credentials
        )
        for filter_kwargs, attempts in zip(
            combinations, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            yield tuple(filter_kwargs), failures, attempts

    def locking(self, request, credentials=None):
        """The combinations that have reached their own limit, with their attempts."""
        pair_limit = get_failure_limit(request, credentials)
        return [
            (parameters, attempts)
            for parameters, failures, attempts in self.counted_attempts(request, credentials)
            if failures >= _limit_for(parameters, pair_limit)
        ]

    def get_failures(self, request, credentials=None) -> int:
        # Axes compares this with AXES_FAILURE_LIMIT (the pair's): the pair counts as itself; the
        # IP alone counts only once it reaches its own (higher) limit, and then as the pair limit.
        pair_limit = get_failure_limit(request, credentials)
        counted = 0
        for parameters, failures, _attempts in self.counted_attempts(request, credentials):
            limit = _limit_for(parameters, pair_limit)
            if limit == pair_limit:
                counted = max(counted, failures)
            elif failures >= limit:
                counted = max(counted, pair_limit)
        return counted

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A successful log-in clears its own pair only: an attacker logging in to an account of
        # their own must not clear what their IP has tried against other addresses.
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        # Set by the backend when it refused the attempt: the lock was there before this one.
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or already_locked or not getattr(request, "axes_locked_out", False):
            return
        if any(parameters != IP_ONLY for parameters, _attempts in self.locking(request, credentials)):
            try:
                warn_account_holder(get_client_username(request, credentials), request.axes_ip_address)
            except Exception:  # the warning must never break the log-in page
                log.exception("Could not queue the log-in attempts warning")


def minutes_left(request, credentials=None) -> int:
    """Whole minutes (rounded up) until every lock on this attempt's pair and IP has ended."""
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    cool_off = get_cool_off(request)
    latest = None
    for _parameters, attempts in handler.locking(request, credentials):
        last = attempts.aggregate(last=Max("attempt_time"))["last"]
        if last and (latest is None or last > latest):
            latest = last
    if latest is None:
        return max(1, int(cool_off.total_seconds() // 60))
    remaining = latest + cool_off - timezone.now()
    return max(1, int(remaining.total_seconds() // 60) + 1)


def _warned_key(email: str) -> str:
    return "channelhub:lockout-warned:" + hashlib.sha256(email.encode()).hexdigest()


def warn_account_holder(email: str | None, ip_address: str | None) -> None:
    """E-mail the holder of the address that a pair was just locked: at most once per window
    (an attack from many IPs sends one message), never for an address without an account."""
    from channelhub.mail import queue_templated_email
    from channelhub.models import Membership, User

    if not email:
        return
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        return
    window = get_cool_off()
    if not cache.add(_warned_key(email), True, timeout=int(window.total_seconds())):
        return
    membership = (
        Membership.all_tenants.filter(user=user, is_active=True, tenant__is_active=True)
        .select_related("tenant")
        .order_by("created_at")
        .first()
    )
    language = membership.tenant.default_language if membership else settings.LANGUAGE_CODE
    zone = ZoneInfo(membership.tenant.time_zone if membership else settings.TIME_ZONE)
    log.warning("Log-ins paused for an (address, IP) pair after repeated failures; the holder is told")
    queue_templated_email(
        template="channelhub/email/login_attempts",
        to=[user.email],
        language=language,
        context={
            "user": user,
            "ip_address": ip_address or "?",
            "failures": settings.LOGIN_FAILURE_LIMIT,
            "minutes": int(window.total_seconds() // 60),
            "when": timezone.localtime(timezone.now(), zone).strftime("%Y-%m-%d %H:%M"),
            "reset_link": settings.SITE_URL + reverse("password_reset"),
        },
    )


def lift(email: str) -> int:
    """End every lock on this address (a completed password reset): its pairs, from any IP."""
    email = (email or "").strip().lower()
    cache.delete(_warned_key(email))
    return reset(username=email)
