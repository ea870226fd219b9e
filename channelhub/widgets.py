"""Django's ``Select`` and ``TextInput`` with the same markup, built in Python.

Django renders every widget through templates (the ``<select>``, then one include per
``<option>``, then the attributes): a list page's filter row of six widgets took more of the
page's time than its queries. These render the same HTML (tests/channelhub/test_widgets.py
compares them with Django's), escaping through channelhub.markup. They keep Django's class names: the ``bs`` template filter styles widgets by class
(``form-select`` for a ``Select``).
"""

from html import escape

from django import forms

from channelhub.markup import joined, text


def attributes(attrs) -> str:
    """django/forms/widgets/attrs.html: `` name="value"`` each, a bare name for True, none for False."""
    return "".join(
        f" {text(name)}" if value is True else f' {text(name)}="{text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """Django's ``Select``: the first option whose value is the selected one is selected (all of
    them with ``allow_multiple_selected``); optgroups for nested choices."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        wanted = set(self.format_value(value))
        multiple = self.allow_multiple_selected
        parts = [f'<select name="{text(name)}"{attributes(attrs)}>']
        chosen = False

        def option(option_value, label):
            nonlocal chosen
            option_value = "" if option_value is None else str(option_value)
            selected = (multiple or not chosen) and option_value in wanted
            chosen = chosen or selected
            return f'<option value="{escape(option_value)}"{" selected" if selected else ""}>{text(label)}</option>'

        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):  # an optgroup
                parts.append(f'<optgroup label="{text(option_value)}">')
                parts.extend(option(sub_value, sub_label) for sub_value, sub_label in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(option_value, label))
        parts.append("</select>")
        return joined(parts)


class TextInput(forms.TextInput):
    """Django's ``TextInput`` (and its subclasses' ``input_type``): no ``value`` when empty."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        value = self.format_value(value)
        shown = "" if value is None else f' value="{text(value)}"'
        return joined(
            (f'<input type="{text(self.input_type)}" name="{text(name)}"{shown}{attributes(attrs)}>',)
        )
