"""The orders module's forms. Model forms here only validate and clean: the services set the
fields and save (``_post_clean`` does not touch the instance)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from channelhub import validators
from channelhub.forms import date_input
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
        fields = [
            "code",
            "name",
            "description",
            "is_active",
            "low_cover_days",
            "target_cover_days",
            "overstock_cover_days",
        ]


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


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


ORDER_FORM_LINES = 8  # rows of an empty order form; an edited draft shows its lines and 3 more


class OrderForm(forms.Form):
    """The order's header. Partner users order for their own partner (no partner field);
    a channel manager picks the partner it orders for."""

    partner = forms.ModelChoiceField(label=_("Partner"), queryset=None)
    delivery_address = forms.CharField(label=_("Delivery address"), max_length=300)
    wanted_on = forms.DateField(label=_("Wanted by"), required=False, widget=date_input())
    po_number = forms.CharField(
        label=_("Partner PO number"), max_length=40, required=False,
        help_text=_("Your own purchase order number, optional."),
    )  # fmt: skip
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        from channelhub.pickers import attach, picker_for
        from partners.models import Partner, PartnerStatus

        if membership.is_partner_user:
            del self.fields["partner"]
        else:
            self.fields["partner"].queryset = Partner.objects.filter(status=PartnerStatus.ACTIVE).order_by(
                "name"
            )
            attach(self.fields["partner"], picker_for(Partner))
        self.fields["wanted_on"] = validators.date_field(
            self.fields["wanted_on"], validators.NotInPast(_("The wanted date cannot be in the past."))
        )


class OrderLineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=None, required=False, widget=Picker())
    quantity = forms.CharField(label=_("Quantity"), max_length=12, required=False,
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(status="active").order_by("sku")
        self.fields["product"].label_from_instance = lambda p: f"{p.sku} · {p.name}"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("product") is None and (cleaned.get("quantity") or "").strip():
            self.add_error("product", _("Choose the product for this quantity."))
        if cleaned.get("product") is not None:
            try:
                cleaned["quantity"] = validators.parse_quantity(
                    cleaned.get("quantity") or "", multiple_of=cleaned["product"].pack_multiple
                )
            except forms.ValidationError as error:
                self.add_error("quantity", error)
        return cleaned


OrderLineFormSet = forms.formset_factory(OrderLineForm, extra=0)


def line_formset(data=None, *, initial=()):
    """The lines of the order form: what was there and empty rows to add to."""
    rows = list(initial)
    blank = ORDER_FORM_LINES if not rows else 3
    return OrderLineFormSet(data, prefix="lines", initial=rows + [{}] * blank)


class ShipForm(forms.Form):
    """A shipment of an order: a quantity per open line (the open quantity offered), the carrier,
    the tracking number and the date."""

    carrier = forms.CharField(label=_("Carrier"), max_length=60)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60, required=False)
    shipped_on = forms.DateField(label=_("Shipped on"), widget=date_input())

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if line.open_quantity > 0]
        self.fields["shipped_on"] = validators.date_field(
            self.fields["shipped_on"], validators.NotInFuture(_("A shipment cannot be dated in the future."))
        )
        self.fields["shipped_on"].initial = validators.today()
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.CharField(
                label=f"{line.product.sku} · {line.product.name}",
                required=False,
                initial=line.open_quantity,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                help_text=_("%(open)s open") % {"open": line.open_quantity},
            )

    def line_fields(self):
        return [self[f"line_{line.pk}"] for line in self.lines]

    def quantities(self) -> dict:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") for line in self.lines}


class ReceiveForm(forms.Form):
    """The partner's receipt of one shipment: per line, what arrived in good order and what is
    damaged (what is neither is short)."""

    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, shipment_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.shipment_lines = shipment_lines
        for line in shipment_lines:
            numeric = {"inputmode": "numeric", "autocomplete": "off"}
            self.fields[f"good_{line.pk}"] = forms.CharField(
                label=_("%(sku)s in good order") % {"sku": line.order_line.product.sku},
                initial=line.quantity, widget=forms.TextInput(attrs=numeric),
            )  # fmt: skip
            self.fields[f"damaged_{line.pk}"] = forms.CharField(
                label=_("%(sku)s damaged") % {"sku": line.order_line.product.sku},
                initial=0, required=False, widget=forms.TextInput(attrs=numeric),
            )  # fmt: skip

    def rows(self):
        return [(line, self[f"good_{line.pk}"], self[f"damaged_{line.pk}"]) for line in self.shipment_lines]

    def received(self) -> dict:
        return {line.pk: self.cleaned_data.get(f"good_{line.pk}") for line in self.shipment_lines}

    def damaged(self) -> dict:
        return {line.pk: self.cleaned_data.get(f"damaged_{line.pk}") or 0 for line in self.shipment_lines}


# --- stock and sell-out reports ---------------------------------------------------------------


class StockReportForm(forms.Form):
    """A stock count: the date, and a quantity on hand per stocked product (blank: not counted),
    shown beside the partner's book stock."""

    counted_on = forms.DateField(label=_("Count date"), widget=date_input())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, products, book, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counted_on"] = validators.date_field(
            self.fields["counted_on"], validators.NotInFuture(_("A report cannot be dated in the future."))
        )
        self.fields["counted_on"].initial = validators.today()
        self.products, self.book = products, book
        for product in products:
            self.fields[f"sku_{product.pk}"] = forms.CharField(
                label=f"{product.sku} · {product.name}",
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            )

    def rows(self):
        return [(product, self[f"sku_{product.pk}"], self.book.get(product.pk)) for product in self.products]

    def quantities(self) -> dict:
        return {product: self.cleaned_data.get(f"sku_{product.pk}") for product in self.products}


SELL_OUT_FORM_LINES = 8


class SellOutHeaderForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class SellOutLineForm(forms.Form):
    sold_on = forms.DateField(label=_("Sale date"), required=False, widget=date_input())
    product = forms.ModelChoiceField(label=_("Product"), queryset=None, required=False, widget=Picker())
    quantity = forms.CharField(label=_("Quantity"), max_length=12, required=False,
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))  # fmt: skip
    unit_price = forms.CharField(label=_("Unit price (CNY)"), max_length=20, required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))  # fmt: skip
    region = forms.ModelChoiceField(
        label=_("Customer region"), queryset=None, required=False, widget=Picker()
    )
    customer = forms.CharField(label=_("Customer"), max_length=120, required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(is_service=False).order_by("sku")
        self.fields["product"].label_from_instance = lambda p: f"{p.sku} · {p.name}"
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = lambda r: r.path

    def has_input(self) -> bool:
        data = self.cleaned_data
        return bool(
            data.get("product")
            or (data.get("quantity") or "").strip()
            or (data.get("unit_price") or "").strip()
        )

    def clean(self):
        cleaned = super().clean()
        if not self.has_input():
            return cleaned
        for name, message in (
            ("product", _("Choose the product.")),
            ("sold_on", _("Enter the date of the sale.")),
            ("region", _("Choose the customer's region.")),
        ):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        try:
            cleaned["quantity"] = validators.parse_quantity(cleaned.get("quantity") or "")
        except forms.ValidationError as error:
            self.add_error("quantity", error)
        try:
            cleaned["unit_price"] = validators.parse_amount(cleaned.get("unit_price") or "", allow_zero=True)
        except forms.ValidationError as error:
            self.add_error("unit_price", error)
        return cleaned


SellOutLineFormSet = forms.formset_factory(SellOutLineForm, extra=0)


def sell_out_formset(data=None, *, regions, default_region=None):
    initial = [{"sold_on": validators.today(), "region": default_region}] * SELL_OUT_FORM_LINES
    return SellOutLineFormSet(data, prefix="sales", initial=initial, form_kwargs={"regions": regions})


class OrderSettingsForm(_ValidateOnly, forms.ModelForm):
    class Meta:
        from orders.models import OrderSettings

        model = OrderSettings
        fields = [
            "number_prefix",
            "executive_hold_threshold",
            "report_cycle",
            "report_due_day",
            "sell_out_window_days",
        ]


class PaymentForm(forms.Form):
    """Money received from a partner, booked against its receivables."""

    amount = forms.CharField(label=_("Amount (CNY)"))
    booked_on = forms.DateField(label=_("Received on"), widget=date_input())
    reference = forms.CharField(label=_("Bank reference"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"] = validators.amount_field(self.fields["amount"])
        self.fields["booked_on"] = validators.date_field(
            self.fields["booked_on"], validators.NotInFuture(_("A payment cannot be booked in the future."))
        )
        self.fields["booked_on"].initial = validators.today()


class QuantitiesForm(forms.Form):
    """The company changes a confirmed order's quantities before anything ships, with a reason;
    a raise goes through the credit check again."""

    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"q_{line.pk}"] = forms.CharField(
                label=f"{line.product.sku} · {line.product.name}",
                initial=line.quantity,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                help_text=_("In multiples of %(pack)s") % {"pack": line.product.pack_multiple}
                if line.product.pack_multiple > 1
                else "",
            )

    def line_fields(self):
        return [self[f"q_{line.pk}"] for line in self.lines]

    def quantities(self) -> dict:
        return {line.product_id: self.cleaned_data.get(f"q_{line.pk}") for line in self.lines}
