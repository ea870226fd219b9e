from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value):
    """``1234567.5`` → ``1,234,567.50`` (CNY amounts, grouped the way Chinese finance writes them)."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"
