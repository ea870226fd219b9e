"""The portal's URLs plus one that fails, for the 500 page test (tests/channelhub/test_error_pages.py)."""

from django.urls import path

from channelhub.access import public_view
from channelhub.urls import handler403, handler404, urlpatterns  # noqa: F401  (the same handlers)


@public_view
def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *urlpatterns]
