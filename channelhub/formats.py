"""One way to write numbers people read: money in every page, PDF, e-mail and export label."""

from decimal import Decimal, InvalidOperation

CURRENCY_SYMBOLS = {"CNY": "¥", "HKD": "HK$", "USD": "US$", "EUR": "€"}


def money(value, currency: str = "CNY", *, empty: str = "—") -> str:
    """``2000000`` → ``¥2,000,000.00``: the symbol, thousands grouped with commas (as Chinese
    finance writes them, in either language), two decimals; nothing → ``empty``."""
    if value is None or value == "":
        return empty
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}{CURRENCY_SYMBOLS.get(currency, currency + ' ')}{abs(amount):,.2f}"
