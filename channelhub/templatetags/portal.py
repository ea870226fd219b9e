from django import template
from django.urls import reverse

from channelhub import roles

register = template.Library()


@register.simple_tag(takes_context=True)
def turl(context, name, **kwargs):
    """``{% turl 'member-edit' pk=m.pk %}``: a URL inside the active tenant."""
    return reverse(name, kwargs={"tenant_slug": context["request"].tenant.slug, **kwargs})


@register.filter
def can(membership, permission):
    """``{% if membership|can:"members.manage" %}``"""
    return membership is not None and roles.can(membership.role, permission)


@register.filter
def bs(bound_field):
    """Render a field's widget with Bootstrap's classes, marked invalid when it has errors."""
    widget = bound_field.field.widget
    css = "form-select" if widget.__class__.__name__ in {"Select", "SelectMultiple"} else "form-control"
    if bound_field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def audit_label(code):
    """A timeline verb or state code in words (channelhub.audit.LABELS)."""
    from channelhub.audit import label

    return label(code) if code else ""


@register.filter
def state_label(activity, code):
    """``{{ entry|state_label:entry.from_state }}``: a state code in words, as a state of the
    activity's own subject (channelhub.audit.STATE_LABELS)."""
    from channelhub.audit import state_label as label

    return label(activity, code)
