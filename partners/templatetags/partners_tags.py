from django import template

from channelhub import formats

register = template.Library()


@register.filter
def money(value):
    """``1234567.5`` → ``¥1,234,567.50`` (channelhub.formats.money, the one money format)."""
    return formats.money(value)
