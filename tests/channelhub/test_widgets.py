"""channelhub.widgets render what Django's widgets render (they replace its templates, for speed)."""

import re

import pytest
from django import forms
from django.utils.safestring import SafeString

from channelhub import widgets


def _normalised(html) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


CHOICES = [
    ("", "---------"),
    (1, "浙江省 / 杭州市 <script> & \"x\" 'y'"),
    ("b", SafeString("<b>bold</b>")),
    ("group <g>", [(3, "三"), (4, "四")]),
    (1, "the same value again"),
    (None, "none"),
]
ATTRS = [
    None,
    {"id": "id_region", "class": "form-select is-invalid", "required": True, "disabled": False},
    {"data-x": '"quoted" <&>', "placeholder": "名称"},
]


@pytest.mark.parametrize("value", [None, "", 1, "1", 3, "missing", '"><script>'])
@pytest.mark.parametrize("attrs", ATTRS)
def test_the_select_renders_what_djangos_select_renders(value, attrs):
    expected = forms.Select(choices=CHOICES).render("region", value, attrs)
    assert _normalised(widgets.Select(choices=CHOICES).render("region", value, attrs)) == _normalised(
        expected
    )


@pytest.mark.parametrize("value", [[], ["1"], ["1", "4"], ["b", ""]])
def test_the_multiple_select_selects_every_wanted_option(value):
    expected = forms.SelectMultiple(choices=CHOICES).render("tags", value)

    class SelectMultiple(widgets.Select):
        allow_multiple_selected = True

        def format_value(self, value):
            return forms.SelectMultiple.format_value(self, value)

    rendered = SelectMultiple(choices=CHOICES).render("tags", value, {"multiple": True})
    assert _normalised(rendered) == _normalised(expected)


@pytest.mark.parametrize("value", [None, "", "基准 1234", '"><script>alert(1)</script>', 0, 12.5])
@pytest.mark.parametrize("attrs", ATTRS)
def test_the_text_input_renders_what_djangos_text_input_renders(value, attrs):
    expected = forms.TextInput(attrs={"maxlength": 40}).render("q", value, attrs)
    assert widgets.TextInput(attrs={"maxlength": 40}).render("q", value, attrs) == _normalised(expected)


def test_a_label_is_escaped_once():
    html = widgets.Select(choices=[("a&b", "A & B")]).render("x", "a&b")
    assert html == '<select name="x"><option value="a&amp;b" selected>A &amp; B</option></select>'
