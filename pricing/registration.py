"""What the pricing module plugs into the shared mechanisms (channelhub.modules).

The module is not built yet: its home tiles say so ("Not available yet") until its
issue fills it.
"""

from django.utils.translation import gettext_lazy as _

from channelhub import modules


def register() -> None:
    modules.register(
        "pricing",
        tiles=[
            modules.Tile(
                key="pricing",
                title=_("Pricing"),
                icon="tags",
                permission="pricing.manage",
                text=_("Price lists, price changes and promotion plans."),
                order=50,
            ),
            modules.Tile(
                key="pricing_approve",
                title=_("Price approvals"),
                icon="patch-check",
                permission="pricing.approve",
                text=_("Approve price changes and promotions."),
                order=51,
            ),
        ],
    )
