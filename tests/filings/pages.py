"""Read a rendered form the way a browser submits it (so tests post the real form)."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"testid": attrs.get("data-testid"), "action": attrs.get("action", ""), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            name, kind = attrs.get("name"), (attrs.get("type") or "text").lower()
            if not name or kind in {"submit", "button", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._form["fields"][name] = attrs.get("value", "on")
                return
            self._form["fields"][name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("name")
            self._form["fields"].setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self._form["fields"][self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._form["fields"][self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += (
                data.lstrip("\n") if not self._form["fields"][self._textarea] else data
            )

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_data(response, testid: str, **overrides) -> dict:
    """The fields of the form marked ``data-testid=testid`` as rendered, with ``overrides``."""
    parser = _Forms()
    parser.feed(response.content.decode())
    for form in parser.forms:
        if form["testid"] == testid:
            return {**form["fields"], **{k: str(v) for k, v in overrides.items()}}
    raise AssertionError(f"no form {testid!r} on the page")
