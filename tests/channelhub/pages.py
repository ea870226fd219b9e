"""Reading rendered pages the way a browser would: forms, fields and test ids."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.testids = []
        self.html_lang = None
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-testid" in attrs:
            self.testids.append(attrs["data-testid"])
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "form":
            self._form = {
                "attrs": attrs,
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": {},
                "options": {},
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            name, kind = attrs.get("name"), (attrs.get("type") or "text").lower()
            if not name or kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._form["fields"][name] = attrs.get("value", "on")
                return
            self._form["fields"][name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("name")
            self._form["fields"].setdefault(self._select, None)
            self._form["options"][self._select] = []
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            self._form["options"][self._select].append(value)
            if "selected" in attrs or self._form["fields"][self._select] is None:
                self._form["fields"][self._select] = value
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._form["fields"][self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data


def parse(response_or_html):
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    parser = _FormParser()
    parser.feed(html)
    return parser


def form(response, testid=None, *, method="post", action=None):
    """The one form on the page with that data-testid (or, without one, the one posting to ``action``)."""
    forms = [f for f in parse(response).forms if f["method"] == method]
    if testid is not None:
        forms = [f for f in forms if f["attrs"].get("data-testid") == testid]
    if action is not None:
        forms = [f for f in forms if f["action"] in {"", action}]
    assert len(forms) == 1, f"expected one {method} form {testid or action!r}, found {len(forms)}"
    return forms[0]


def form_data(response, testid=None, *, action=None, **overrides):
    """The values a browser would submit from the form, with ``overrides`` typed in."""
    found = form(response, testid, action=action)
    data = {name: value for name, value in found["fields"].items() if value is not None}
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def find_testids(response, prefix=""):
    return [testid for testid in parse(response).testids if testid.startswith(prefix)]


def field_value(response, name, testid=None, *, action=None):
    return form(response, testid, action=action)["fields"].get(name)


def select_options(response, name, testid=None, *, action=None):
    return form(response, testid, action=action)["options"][name]


def shows(response, text) -> bool:
    """Whether the page shows ``text`` (a translated string: compare with gettext's result)."""
    from django.utils.html import escape

    body = response.content.decode()
    return str(text) in body or escape(str(text)) in body
