"""What the aftersales module plugs into the shared mechanisms (channelhub.modules).

The module is not built yet: its home tiles say so ("Not available yet") until its
issue fills it.
"""

from django.utils.translation import gettext_lazy as _

from channelhub import modules


def register() -> None:
    modules.register(
        "aftersales",
        tiles=[
            modules.Tile(
                key="aftersales",
                title=_("After-sales"),
                icon="tools",
                permission="aftersales.handle",
                text=_("Service tickets, complaints and follow-up visits."),
                order=60,
            ),
            modules.Tile(
                key="aftersales_partner",
                title=_("Service tickets"),
                icon="life-preserver",
                permission="aftersales.submit",
                text=_("Record customer requests and escalate them."),
                order=61,
            ),
        ],
    )
