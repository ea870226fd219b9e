"""The catalogue: categories, product lines and products, each change on the record's timeline."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from channelhub import audit, roles, workflow
from channelhub.tenancy import get_current_tenant
from orders.models import CATEGORY_DEPTH, Product, ProductCategory, ProductLine

CATEGORY_FIELDS = ("parent", "name", "code", "position", "is_active")
LINE_FIELDS = (
    "code",
    "name",
    "description",
    "is_active",
    "low_cover_days",
    "target_cover_days",
    "overstock_cover_days",
)
PRODUCT_FIELDS = (
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
)


def product_url(product) -> str:
    return reverse(
        "orders:product-detail", kwargs={"tenant_slug": get_current_tenant().slug, "pk": product.pk}
    )


def _values(obj, fields) -> dict:
    """What the timeline's diff shows: related rows by their name (the path of a category)."""
    return {key: "" if getattr(obj, key) is None else str(getattr(obj, key)) for key in fields}


def history_values(product: Product) -> dict:
    """A product's fields as its timeline shows them (the importer's preview compares these)."""
    return _values(product, PRODUCT_FIELDS)


def _save_with_history(
    obj, fields, data, *, by, verb_created, verb_changed, duplicate, via="web", comment=""
):
    """Set ``fields`` from ``data``, save, and record what changed; a unique key taken already
    is the ``duplicate`` ValidationError (field → message)."""
    creating = obj.pk is None
    before = {} if creating else _values(obj, fields)
    for key in fields:
        if key in data:
            setattr(obj, key, data[key])
    # the model's own field rules (positive pack multiple, no negative price), for every caller
    # (the tenant is set at save; a protected workflow state is the runner's alone)
    obj.full_clean(exclude=["tenant", "status"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            obj.save()
            changes = audit.diff(before, _values(obj, fields))
            if changes:
                audit.record(
                    obj,
                    verb_created if creating else verb_changed,
                    actor=by,
                    changes=changes,
                    via=via,
                    comment=comment,
                )
    except IntegrityError:
        raise ValidationError(duplicate) from None
    return obj


def save_category(*, data: dict, by, category: ProductCategory | None = None) -> ProductCategory:
    roles.require(by, "catalogue.manage")
    category = category or ProductCategory()
    parent = data.get("parent", category.parent if category.pk else None)
    if parent is not None:
        if category.pk and (parent.pk == category.pk or category.pk in {a.pk for a in parent.ancestors}):
            raise ValidationError({"parent": _("A category cannot be placed inside itself.")})
        if parent.depth >= CATEGORY_DEPTH:
            raise ValidationError(
                {"parent": _("The catalogue is at most %(depth)s levels deep.") % {"depth": CATEGORY_DEPTH}}
            )
        if category.pk and category.children.exists() and parent.depth + 1 >= CATEGORY_DEPTH:
            raise ValidationError(
                {
                    "parent": _("Its subcategories would be more than %(depth)s levels deep.")
                    % {"depth": CATEGORY_DEPTH}
                }
            )
    return _save_with_history(
        category,
        CATEGORY_FIELDS,
        data,
        by=by,
        verb_created="category.created",
        verb_changed="category.changed",
        duplicate={"name": _("A category with this name or code exists here already.")},
    )


def save_line(*, data: dict, by, line: ProductLine | None = None) -> ProductLine:
    roles.require(by, "catalogue.manage")
    return _save_with_history(
        line or ProductLine(),
        LINE_FIELDS,
        data,
        by=by,
        verb_created="product_line.created",
        verb_changed="product_line.changed",
        duplicate={"code": _("A product line with this code or name exists already.")},
    )


def _check_product(data: dict) -> None:
    errors = {}
    category, line = data.get("category"), data.get("line")
    if category is not None and not category.is_active:
        errors["category"] = _("This category is not in use.")
    if line is not None and not line.is_active:
        errors["line"] = _("This product line is not in use.")
    if errors:
        raise ValidationError(errors)


def create_product(*, data: dict, by, via: str = "web", comment: str = "") -> Product:
    roles.require(by, "catalogue.manage")
    _check_product(data)
    data = {**data, "sku": data["sku"].strip().upper()}
    return _save_with_history(
        Product(),
        PRODUCT_FIELDS,
        data,
        by=by,
        verb_created="product.created",
        verb_changed="product.changed",
        duplicate={"sku": _("A product with this SKU code exists already.")},
        via=via,
        comment=comment,
    )


def update_product(product: Product, *, data: dict, by, via: str = "web", comment: str = "") -> Product:
    roles.require(by, "catalogue.manage")
    changed = {key: value for key, value in data.items() if key in PRODUCT_FIELDS}
    if "category" in changed and changed["category"].pk == product.category_id:
        changed.pop("category")  # keeping an old category that went out of use is fine
    if "line" in changed and changed["line"].pk == product.line_id:
        changed.pop("line")
    _check_product(changed)
    if "sku" in changed:
        changed["sku"] = changed["sku"].strip().upper()
    return _save_with_history(
        product,
        PRODUCT_FIELDS,
        changed,
        by=by,
        verb_created="product.created",
        verb_changed="product.changed",
        duplicate={"sku": _("A product with this SKU code exists already.")},
        via=via,
        comment=comment,
    )


def discontinue_product(product: Product, *, reason: str, by) -> Product:
    return workflow.transition(product, "discontinue", by=by, verb="product.discontinued", comment=reason)


def reinstate_product(product: Product, *, by) -> Product:
    return workflow.transition(product, "reinstate", by=by, verb="product.reinstated")
