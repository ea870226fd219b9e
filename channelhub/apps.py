from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelhubConfig(AppConfig):
    name = "channelhub"
    verbose_name = _("Platform")

    def ready(self):
        from channelhub import registration, workflow  # noqa: F401 — workflow installs its guard

        registration.register()
