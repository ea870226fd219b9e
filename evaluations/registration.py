"""What the evaluations module plugs into the shared mechanisms (channelhub.modules).

The module is not built yet: its home tiles say so ("Not available yet") until its
issue fills it.
"""

from django.utils.translation import gettext_lazy as _

from channelhub import modules


def register() -> None:
    modules.register(
        "evaluations",
        tiles=[
            modules.Tile(
                key="evaluations",
                title=_("Evaluations"),
                icon="graph-up",
                permission="evaluations.view",
                text=_("Targets, quarterly scores, rewards and rebates."),
                order=70,
            ),
            modules.Tile(
                key="rebates",
                title=_("Rebate approval"),
                icon="cash-coin",
                permission="rebates.approve",
                text=_("Approve and settle rebates; credit limits."),
                order=71,
            ),
        ],
    )
