from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "filings"
    verbose_name = _("Filings")

    def ready(self):
        from channelhub.files import register_file_owner
        from filings import services
        from filings.access import may_view_filing
        from filings.models import Filing

        services.register_approval_action()
        register_file_owner(Filing, may_view_filing)
