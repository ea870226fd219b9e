from django import forms, template
from django.urls import reverse

from channelhub import roles

register = template.Library()


@register.simple_tag(takes_context=True)
def turl(context, name, **kwargs):
    """``{% turl 'member-edit' pk=m.pk %}``: a URL inside the active tenant."""
    return reverse(name, kwargs={"tenant_slug": context["request"].tenant.slug, **kwargs})


@register.simple_tag
def same_for_everyone(template_name):
    """``{% same_for_everyone "components/shell_scripts.html" %}``: a fragment that shows the same
    on every page for everyone (no context, no words to translate), rendered once per process."""
    from channelhub.context_processors import rendered_once

    return rendered_once(template_name, (), {})


@register.filter
def can(membership, permission):
    """``{% if membership|can:"members.manage" %}``"""
    return membership is not None and roles.can(membership.role, permission)


@register.filter
def bs(bound_field):
    """Render a field's widget with Bootstrap's classes, marked invalid when it has errors."""
    widget = bound_field.field.widget
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
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
def money(value, currency="CNY"):
    """``{{ amount|money }}`` → ``¥2,000,000.00`` (channelhub.formats.money)."""
    from channelhub.formats import money as written

    return written(value, currency)


@register.filter
def via_label(via):
    from channelhub.audit import via_label as words

    return words(via)


@register.filter
def change_rows(activity):
    """The activity's diff as rows (label, old, new) in the reader's language."""
    from channelhub.audit import change_rows as rows

    return rows(activity)


@register.filter
def phone(value):
    """``{{ contact.mobile|phone }}`` → ``138 0013 8000`` / ``0571 8888 6666`` (national format for
    Chinese numbers, international for others, a value that is no number as typed:
    channelhub.validators.format_phone)."""
    from channelhub.validators import format_phone

    return format_phone(value)


@register.filter
def state_label(activity, code):
    """``{{ entry|state_label:entry.from_state }}``: a state code in words, as a state of the
    activity's own subject (channelhub.audit.STATE_LABELS)."""
    from channelhub.audit import state_label as label

    return label(activity, code)


@register.simple_tag(takes_context=True)
def record_actions(context, obj, purpose=""):
    """Links other apps offer on ``obj`` (channelhub.modules.RecordAction) to the reader's role."""
    from channelhub.modules import record_actions_for

    membership = getattr(context.get("request"), "membership", None)
    return record_actions_for(obj, membership.role if membership else None, purpose)


@register.simple_tag
def seen_state(obj):
    """``{% seen_state partner %}`` inside an action form: the state shown on the page, so the
    runner can tell the user who changed it meanwhile (channelhub.workflow.as_seen)."""
    from django.utils.html import format_html
    from django_fsm import FSMFieldMixin

    from channelhub.workflow import SEEN_STATE

    fields = [f for f in obj._meta.concrete_fields if isinstance(f, FSMFieldMixin)]
    if len(fields) != 1:
        return ""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', SEEN_STATE, getattr(obj, fields[0].attname)
    )
