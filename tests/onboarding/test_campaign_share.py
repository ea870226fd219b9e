"""The recruitment campaign page shares its public page: the full link (from SITE_URL) with a copy
button, a QR code drawn on the server (segno, SVG, no inline style), and a PNG of it for WeChat."""

import html
import io
import re
from urllib.parse import unquote

import pytest
import segno
from django.conf import settings
from PIL import Image

from channelhub.roles import PERMISSIONS, Role
from tests.channelhub.pages import find_testids
from tests.factories import CampaignFactory, MembershipFactory

pytestmark = pytest.mark.django_db

ALLOWED = sorted(PERMISSIONS["onboarding.campaigns"])


@pytest.fixture
def campaign(alpha):
    return CampaignFactory(tenant=alpha, slug="2026-ev-agents", title="2026 充电桩代理商招募")


def public_url(campaign):
    return f"{settings.SITE_URL}/join/alpha/{campaign.slug}/"


def qr_src(response) -> str:
    match = re.search(
        r'<img src="(data:image/svg\+xml[^"]+)"[^>]*data-testid="campaign-qr"', response.content.decode()
    )
    assert match, "no QR image on the page"
    return match.group(1)


@pytest.mark.parametrize("role", ALLOWED)
def test_the_campaign_page_shows_the_full_public_link_and_its_qr_code(
    role, member, client_as, campaign, settings
):
    settings.SITE_URL = "https://portal.example.cn"
    page = client_as(member(role)).get(f"/t/alpha/onboarding/campaigns/{campaign.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    url = "https://portal.example.cn/join/alpha/2026-ev-agents/"
    assert f'value="{url}"' in text
    assert {"campaign-share", "copy-url", "campaign-qr", "download-qr"} <= set(find_testids(page))
    assert 'src="/static/js/copy-link.js"' in text
    assert "share-closed" not in find_testids(page)  # it is open


def test_the_qr_code_is_an_svg_of_the_link_without_inline_style(member, client_as, campaign):
    page = client_as(member(Role.CHANNEL_MANAGER)).get(f"/t/alpha/onboarding/campaigns/{campaign.pk}/")
    svg = unquote(qr_src(page).split(",", 1)[1])
    assert svg.startswith("<svg") and "<path" in svg
    assert "style" not in svg.lower()  # the Content-Security-Policy forbids inline styles
    expected = segno.make(public_url(campaign), error="m", micro=False).svg_data_uri(
        scale=5, border=2, light="#fff"
    )
    assert html.unescape(qr_src(page)) == expected


def test_the_png_download_encodes_the_link(member, client_as, campaign):
    response = client_as(member(Role.CHANNEL_SUPERVISOR)).get(
        f"/t/alpha/onboarding/campaigns/{campaign.pk}/qr.png"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="2026-ev-agents-qr.png"'
    picture = Image.open(io.BytesIO(response.content)).convert("L")
    # Read the modules back (scale 12, quiet zone 4) and compare with the link's own code.
    code = segno.make(public_url(campaign), error="m", micro=False)
    size = len(code.matrix)
    assert picture.size == ((size + 8) * 12, (size + 8) * 12)
    read = [
        [picture.getpixel(((x + 4) * 12 + 6, (y + 4) * 12 + 6)) < 128 for x in range(size)]
        for y in range(size)
    ]
    assert read == [[bool(v) for v in row] for row in code.matrix]


def test_a_closed_campaign_says_its_link_does_not_open_yet(alpha, member, client_as):
    draft = CampaignFactory(tenant=alpha, is_published=False)
    page = client_as(member(Role.CHANNEL_MANAGER)).get(f"/t/alpha/onboarding/campaigns/{draft.pk}/")
    assert "share-closed" in find_testids(page)
    assert f'value="{public_url(draft)}"' in page.content.decode()


def test_a_new_campaign_has_nothing_to_share_yet(member, client_as):
    page = client_as(member(Role.CHANNEL_MANAGER)).get("/t/alpha/onboarding/campaigns/new/")
    assert page.status_code == 200
    assert "campaign-share" not in find_testids(page)


@pytest.mark.parametrize(
    "role", [Role.PARTNER_ADMIN, Role.PARTNER_STAFF, Role.EXECUTIVE, Role.FINANCE, Role.CLERK]
)
def test_other_roles_get_403(role, member, client_as, campaign):
    client = client_as(member(role))
    assert client.get(f"/t/alpha/onboarding/campaigns/{campaign.pk}/").status_code == 403
    assert client.get(f"/t/alpha/onboarding/campaigns/{campaign.pk}/qr.png").status_code == 403


def test_another_tenants_campaign_is_404(beta, campaign, client_as):
    outsider = MembershipFactory(tenant=beta, role=Role.TENANT_ADMIN).user
    client = client_as(outsider)
    for slug in ("alpha", "beta"):
        assert client.get(f"/t/{slug}/onboarding/campaigns/{campaign.pk}/qr.png").status_code == 404
        assert client.get(f"/t/{slug}/onboarding/campaigns/{campaign.pk}/").status_code == 404


def test_the_copy_script_is_a_static_file(client):
    from django.contrib.staticfiles import finders

    path = finders.find("js/copy-link.js")
    assert path, "static/js/copy-link.js is missing"
    script = open(path, encoding="utf-8").read()
    assert "data-copy-target" in script or "copyTarget" in script
    assert "eval(" not in script
