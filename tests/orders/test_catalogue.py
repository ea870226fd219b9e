"""The catalogue's services: products, categories and lines, their history and refusals."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from channelhub import workflow
from channelhub.models import Activity
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from orders import services
from orders.models import Product, ProductStatus
from tests.orders.factories import ProductCategoryFactory, ProductLineFactory

pytestmark = pytest.mark.django_db


def _data(piles, **overrides):
    return {
        "sku": "xc-ac7 ",
        "name": "7kW 交流壁挂桩",
        "spec": "单相 220V 32A",
        "unit": "unit",
        "pack_multiple": 1,
        "category": piles["one_piece"],
        "line": piles["line"],
        "is_service": False,
        "list_price": Decimal("1680.00"),
        "weight_kg": None,
        "volume_m3": None,
        **overrides,
    }


def test_marketing_adds_a_product_with_its_history(alpha, piles, marketing):
    with tenant_context(alpha):
        product = services.create_product(data=_data(piles), by=marketing)
        entry = Activity.objects.get(object_id=product.pk, verb="product.created")
    assert product.sku == "XC-AC7"  # codes are kept upper-case, without spaces around
    assert product.status == ProductStatus.ACTIVE
    assert entry.actor == marketing
    assert entry.changes["category"] == ["", "充电桩 / 直流桩 / 一体式"]  # names, not ids
    assert entry.changes["line"][1] == str(piles["line"])


@pytest.mark.parametrize("role", [Role.CHANNEL_MANAGER, Role.FINANCE, Role.PARTNER_ADMIN, Role.EXECUTIVE])
def test_only_the_catalogue_keepers_add_products(alpha, piles, member, role):
    with tenant_context(alpha), pytest.raises(PermissionDenied):
        services.create_product(data=_data(piles), by=member(role))


def test_a_sku_code_is_unique_in_the_tenant_not_across(alpha, beta, piles, product, admin):
    with tenant_context(alpha), pytest.raises(ValidationError) as refused:
        services.create_product(data=_data(piles, sku="xc-dc120"), by=admin)
    assert "sku" in refused.value.message_dict
    with tenant_context(alpha):
        assert Product.objects.count() == 1
    # another tenant may use the same code
    from tests.factories import MembershipFactory

    beta_admin = MembershipFactory(tenant=beta, role=Role.TENANT_ADMIN).user
    category, line = ProductCategoryFactory(tenant=beta), ProductLineFactory(tenant=beta)
    with tenant_context(beta):
        other = services.create_product(
            data=_data(piles, sku="XC-DC120", category=category, line=line), by=beta_admin
        )
    assert other.tenant_id == beta.pk


def test_a_category_or_line_out_of_use_takes_no_new_products(alpha, piles, admin):
    with tenant_context(alpha):
        services.save_category(data={"is_active": False}, category=piles["one_piece"], by=admin)
        with pytest.raises(ValidationError) as refused:
            services.create_product(data=_data(piles), by=admin)
    assert "category" in refused.value.message_dict


def test_a_product_keeps_its_category_when_the_category_goes_out_of_use(alpha, piles, product, admin):
    with tenant_context(alpha):
        services.save_category(data={"is_active": False}, category=piles["one_piece"], by=admin)
        services.update_product(product, data=_data(piles, sku=product.sku, name="新名称"), by=admin)
        product.refresh_from_db()
    assert product.name == "新名称"


def test_an_edit_records_only_what_changed(alpha, piles, product, admin):
    with tenant_context(alpha):
        services.update_product(
            product, data={"list_price": Decimal("59800.00"), "name": product.name}, by=admin
        )
        entry = Activity.objects.get(object_id=product.pk, verb="product.changed")
    assert entry.changes == {"list_price": ["100.00", "59800.00"]}


def test_the_tree_is_at_most_three_levels_and_never_a_loop(alpha, piles, admin):
    with tenant_context(alpha):
        with pytest.raises(ValidationError) as too_deep:
            services.save_category(data={"name": "第四层", "parent": piles["one_piece"]}, by=admin)
        assert "parent" in too_deep.value.message_dict
        with pytest.raises(ValidationError) as loop:
            services.save_category(data={"parent": piles["dc"]}, category=piles["top"], by=admin)
        assert "parent" in loop.value.message_dict
        with pytest.raises(ValidationError) as itself:
            services.save_category(data={"parent": piles["dc"]}, category=piles["dc"], by=admin)
        assert "parent" in itself.value.message_dict
        # a node with children cannot move where its children would be a fourth level
        other = services.save_category(data={"name": "交流桩"}, by=admin)
        middle = services.save_category(data={"name": "壁挂", "parent": other}, by=admin)
        with pytest.raises(ValidationError):
            services.save_category(data={"parent": middle}, category=piles["dc"], by=admin)


def test_a_duplicate_category_name_under_the_same_parent_is_refused(alpha, piles, admin):
    with tenant_context(alpha), pytest.raises(ValidationError) as refused:
        services.save_category(data={"name": "直流桩", "parent": piles["top"]}, by=admin)
    assert "name" in refused.value.message_dict
    with tenant_context(alpha):
        services.save_category(data={"name": "直流桩"}, by=admin)  # elsewhere in the tree: fine


def test_a_duplicate_line_code_is_refused(alpha, piles, admin):
    with tenant_context(alpha), pytest.raises(ValidationError) as refused:
        services.save_line(data={"code": "DC", "name": "另一条"}, by=admin)
    assert "code" in refused.value.message_dict


def test_discontinue_and_reinstate_with_their_refusals(alpha, product, admin, manager):
    with tenant_context(alpha):
        with pytest.raises(PermissionDenied):
            services.discontinue_product(product, reason="停产", by=manager)
        services.discontinue_product(product, reason="停产", by=admin)
        assert product.status == ProductStatus.DISCONTINUED and product.status_changed_at is not None
        with pytest.raises(workflow.WrongState):
            services.discontinue_product(product, reason="再次", by=admin)
        services.reinstate_product(product, by=admin)
        with pytest.raises(workflow.WrongState):
            services.reinstate_product(product, by=admin)
        verbs = list(
            Activity.objects.filter(object_id=product.pk).order_by("pk").values_list("verb", flat=True)
        )
    assert verbs[-2:] == ["product.discontinued", "product.reinstated"]


def test_a_stale_copy_is_told_who_discontinued_it(alpha, product, admin, marketing):
    with tenant_context(alpha):
        first, second = Product.objects.get(pk=product.pk), Product.objects.get(pk=product.pk)
        services.discontinue_product(first, reason="停产", by=admin)
        with pytest.raises(workflow.AlreadyChanged) as refused:
            services.discontinue_product(second, reason="我也停", by=marketing)
        assert Activity.objects.filter(object_id=product.pk, verb="product.discontinued").count() == 1
    assert admin.display_name in refused.value.messages[0]
    assert second.status == ProductStatus.DISCONTINUED  # reloaded: the page shows what is stored
