from django import template

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
