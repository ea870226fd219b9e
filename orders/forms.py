"""The orders module's forms. Model forms here only validate and clean: the services set the
fields and save (``_post_clean`` does not touch the instance)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from channelhub import validators
from channelhub.pickers import Picker
from orders.models import CATEGORY_DEPTH, Product, ProductCategory, ProductLine


def categories_queryset():
    return ProductCategory.objects.select_related("parent__parent")


def category_sort_key(category) -> tuple:
    """Tree order: each node under its parent, siblings by position and name."""
    return tuple((node.position, node.name) for node in [*category.ancestors, category])


class _PathOrderedIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in sorted(self.queryset, key=category_sort_key):
            yield self.choice(obj)


class CategoryChoiceField(forms.ModelChoiceField):
    """Categories as their path (充电桩 / 直流桩), in tree order."""

    iterator = _PathOrderedIterator

    def label_from_instance(self, obj):
        return obj.path


class _ValidateOnly:
    def _post_clean(self):
        pass  # the service sets the fields, checks uniqueness and saves


class CategoryForm(_ValidateOnly, forms.ModelForm):
    parent = CategoryChoiceField(
        label=_("Part of"), queryset=None, required=False, empty_label=_("— (top level)")
    )

    class Meta:
        model = ProductCategory
        fields = ["parent", "name", "code", "position", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = categories_queryset().filter(is_active=True)
        if self.instance.pk:
            candidates = candidates.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = candidates
        # deeper nodes cannot take children; the service says so if one is forged
        self.fields["parent"].help_text = _("At most %(depth)s levels.") % {"depth": CATEGORY_DEPTH}


class ProductLineForm(_ValidateOnly, forms.ModelForm):
    class Meta:
        model = ProductLine
        fields = ["code", "name", "description", "is_active"]


class ProductForm(_ValidateOnly, forms.ModelForm):
    category = CategoryChoiceField(label=_("Category"), queryset=None, widget=Picker())

    class Meta:
        model = Product
        fields = [
            "sku",
            "name",
            "spec",
            "unit",
            "pack_multiple",
            "category",
            "line",
            "is_service",
            "list_price",
            "weight_kg",
            "volume_m3",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"category": self.instance.category_id, "line": self.instance.line_id}
        categories = categories_queryset().filter(is_active=True)
        lines = ProductLine.objects.filter(is_active=True)
        if keep["category"]:  # an existing product keeps a category that went out of use
            categories = categories_queryset().filter(is_active=True) | categories_queryset().filter(
                pk=keep["category"]
            )
        if keep["line"]:
            lines = ProductLine.objects.filter(is_active=True) | ProductLine.objects.filter(pk=keep["line"])
        self.fields["category"].queryset = categories
        self.fields["line"].queryset = lines
        self.fields["list_price"] = validators.amount_field(self.fields["list_price"], allow_zero=True)
        for name in ("pack_multiple", "weight_kg", "volume_m3"):  # _post_clean is off
            self.fields[name].validators.extend(Product._meta.get_field(name).validators)

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip().upper()
        if not sku or any(ch.isspace() for ch in sku):
            raise forms.ValidationError(_("A SKU code has no spaces (e.g. DC-120-A)."))
        return sku


class DiscontinueForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the product's timeline. Open orders keep their lines."),
    )  # fmt: skip
