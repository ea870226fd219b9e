from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self):
        # The reactivation approval action, the file owners and the timeline labels.
        from partners import hooks  # noqa: F401
