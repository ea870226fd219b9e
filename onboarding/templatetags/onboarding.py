from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

BADGES = {
    "submitted": "text-bg-info",
    "under_review": "text-bg-primary",
    "awaiting_supplements": "text-bg-warning",
    "site_inspection": "text-bg-primary",
    "evaluation": "text-bg-primary",
    "pending_approval": "text-bg-dark",
    "approved": "text-bg-success",
    "contract_issued": "text-bg-success",
    "contract_signed": "text-bg-success",
    "active": "text-bg-success",
    "rejected": "text-bg-danger",
    "withdrawn": "text-bg-secondary",
}


@register.filter
def state_badge(state):
    return BADGES.get(str(state), "text-bg-light border")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def short_hash(value):
    value = value or ""
    return f"{value[:12]}…{value[-8:]}" if len(value) > 24 else value


FILE_KINDS = {
    "supplement": _("supplement"),
    "contract": _("contract"),
    "evaluation_report": _("evaluation report"),
    "inspection_photo": _("inspection photo"),
}


@register.simple_tag(takes_context=True)
def file_kind(context, kind):
    """``{% file_kind f.kind %}``: what a file of an application is — a qualification document by
    the name the tenant gave it ("doc:<code>"), or one of the files the workflow makes."""
    if kind.startswith("doc:"):
        from onboarding.models import DocumentRequirement

        cache = context.render_context.setdefault("onboarding_document_labels", {})
        if not cache:
            cache.update(DocumentRequirement.objects.values_list("code", "label"))
            cache.setdefault("", "")
        return cache.get(kind[4:], kind[4:])
    return FILE_KINDS.get(kind, kind)
