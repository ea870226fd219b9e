"""HTML built in Python where a template is too slow: a list's rows, a filter's widgets.

Django's ``format_html`` and ``escape`` pass every value through the lazy-string wrapper
(``keep_lazy``); on a list page's 25 rows of a dozen values, and a filter row's options, that
was a tenth of the page's time. These escape with the standard library's ``html.escape`` —
the same five characters (``& < > " '``) Django's ``escape`` replaces — and are the one place
outside templates that marks built HTML safe (tests/onboarding/test_xss.py).
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe


def text(value) -> str:
    """``value`` escaped; one already marked safe (it has ``__html__``) as it is."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(str(value))


def html(template: str, **values) -> SafeString:
    """``format_html(template, **values)``: ``template`` is trusted markup, every value escaped."""
    return mark_safe(template.format(**{name: text(value) for name, value in values.items()}))  # noqa: S308


def joined(parts) -> SafeString:
    """Pieces of markup, each built here (``text``/``html``) or by a template, as one."""
    return mark_safe("".join(parts))  # noqa: S308 — every piece escaped where it was made
