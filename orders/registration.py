"""What the orders module plugs into the shared mechanisms (channelhub.modules).

The module is not built yet: its home tiles say so ("Not available yet") until its
issue fills it.
"""

from django.utils.translation import gettext_lazy as _

from channelhub import modules


def register() -> None:
    modules.register(
        "orders",
        tiles=[
            modules.Tile(
                key="orders",
                title=_("Orders and inventory"),
                icon="box-seam",
                permission="orders.manage",
                text=_("Confirm, allocate and ship partner orders; watch stock levels."),
                order=40,
            ),
            modules.Tile(
                key="orders_partner",
                title=_("My orders"),
                icon="cart",
                permission="orders.place",
                text=_("Place orders, confirm receipt and report inventory."),
                order=41,
            ),
        ],
    )
