"""Where a new channel filing meets the admission pipeline (onboarding).

Seed 002's order is admission first, then the filing with the channel department: when the
channel was admitted through an application (onboarding created its partner on signing),
recording the new channel filing links to that partner instead of creating another one.
A read-only look-up, kept in this one module so the two apps stay apart.
"""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Admission:
    reference: str
    partner: object


def admitted(credit_code: str) -> Admission | None:
    """The admission application (with its partner) of this credit code, if onboarding made one."""
    if not credit_code or not apps.is_installed("onboarding"):
        return None
    Application = apps.get_model("onboarding", "Application")  # noqa: N806
    application = (
        Application.objects.filter(credit_code=credit_code, partner__isnull=False)
        .select_related("partner")
        .order_by("-pk")
        .first()
    )
    if application is None:
        return None
    return Admission(reference=application.reference, partner=application.partner)
