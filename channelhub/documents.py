"""PDF documents from Django templates, rendered by WeasyPrint with a CJK font.

The font is named explicitly in templates/documents/base.css ("Noto Sans CJK SC"
from Debian's fonts-noto-cjk); the URL fetcher only serves the project's own
static files, so a template can never make the server fetch a remote URL.
"""

import mimetypes

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

STATIC_PREFIX = "static:"


def _static_only_fetcher(url: str):
    if not url.startswith(STATIC_PREFIX):
        raise ValueError(f"refusing to fetch {url!r}: documents may only use the project's static files")
    path = finders.find(url[len(STATIC_PREFIX) :].lstrip("/"))
    if not path:
        raise ValueError(f"no static file {url!r}")
    with open(path, "rb") as handle:
        data = handle.read()
    return {"string": data, "mime_type": mimetypes.guess_type(path)[0] or "application/octet-stream"}


def render_pdf(template: str, context: dict, *, language: str | None = None) -> bytes:
    from weasyprint import HTML

    with translation.override(language) if language else _null():
        html = render_to_string(template, context)
    return HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=_static_only_fetcher).write_pdf()


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
