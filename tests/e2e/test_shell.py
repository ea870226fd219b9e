"""The portal shell in a real browser: logging in, switching the language, inviting a colleague."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from channelhub.demo import DEMO_PASSWORD, ROLE_LOGINS, demo_email, load_demo
from channelhub.models import Membership, Tenant, User
from channelhub.roles import Role
from channelhub.tenancy import tenant_context

pytestmark = pytest.mark.e2e

TENANT = "xingchi"
CJK = re.compile(r"[\u4e00-\u9fff]")


def in_language(language: str, text: str, **params) -> str:
    """What the portal should show for ``text`` in ``language``, taken from the catalogues."""
    with translation.override(language):
        return translation.gettext(text) % params if params else translation.gettext(text)


def test_it_switches_the_language_from_the_top_bar(new_page, log_in, shot):
    load_demo()
    login, name = ROLE_LOGINS[Role.CHANNEL_MANAGER]
    page = new_page()

    log_in(page, demo_email(login, TENANT), DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(rf"/t/{TENANT}/$"))
    switch = page.get_by_test_id("language-switch")
    home_link = page.locator("aside .nav-link").first
    title = page.get_by_test_id("home-title")

    # Simplified Chinese by default, although the browser asked for English.
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(switch.locator("button.btn-light")).to_have_text("简体中文")
    expect(home_link).to_have_text(in_language("zh-hans", "Home"))
    assert CJK.search(home_link.inner_text()), "the sidebar should be in Chinese"
    expect(title).to_have_text(in_language("zh-hans", "Welcome, %(name)s", name=name))
    assert CJK.search(title.inner_text().replace(name, "")), "the project's own strings should be in Chinese"
    shot(page, "home-zh")

    switch.locator("button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(rf"/t/{TENANT}/$"))
    expect(switch.locator("button.btn-light")).to_have_text("English")
    expect(home_link).to_have_text("Home")
    expect(title).to_have_text(f"Welcome, {name}")
    expect(page.get_by_test_id("module-partners")).to_contain_text("Partner registry")
    shot(page, "home-en")

    switch.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(switch.locator("button.btn-light")).to_have_text("简体中文")
    expect(home_link).to_have_text(in_language("zh-hans", "Home"))
    expect(title).to_have_text(in_language("zh-hans", "Welcome, %(name)s", name=name))
    shot(page, "home-zh-again")


def test_it_lets_an_invited_colleague_join(new_page, log_in, shot, settings, live_server, mailoutbox):
    load_demo()
    mailoutbox.clear()  # the demo's own e-mails (onboarding applicants and approvers)
    settings.SITE_URL = live_server.url  # the link in the e-mail points at this server
    admin_login, _ = ROLE_LOGINS[Role.TENANT_ADMIN]
    invitee = "new.colleague@xingchi.example.com"

    admin = new_page()
    log_in(admin, demo_email(admin_login, TENANT), DEMO_PASSWORD)
    admin.locator(f'aside a[href="/t/{TENANT}/members/"]').click()
    expect(admin).to_have_url(re.compile(rf"/t/{TENANT}/members/$"))
    expect(admin.get_by_test_id("member-table")).to_contain_text(demo_email(admin_login, TENANT))
    shot(admin, "people-and-roles")

    form = admin.get_by_test_id("invite-form")
    form.locator("input[name=email]").fill(invitee)
    form.locator("select[name=role]").select_option(Role.CHANNEL_MANAGER.value)
    form.locator("button[type=submit]").click()
    expect(admin.locator(".alert-success")).to_contain_text(invitee)
    expect(admin.locator("main")).to_contain_text(invitee)  # listed under pending invitations
    shot(admin, "invitation-sent")

    assert [message.to for message in mailoutbox] == [[invitee]]
    link = re.search(r"https?://\S+/invite/\S+/", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    assert link.group(0).startswith(live_server.url)

    # The invitee opens the link in a browser of their own.
    guest = new_page()
    guest.goto(link.group(0))
    accept = guest.get_by_test_id("accept-form")
    expect(accept).to_be_visible()
    expect(guest.locator("main")).to_contain_text(invitee)
    shot(guest, "invitation-opened")
    accept.locator("input[name=full_name]").fill("林新同")
    accept.locator("input[name=password1]").fill("Lotus-Harbour-2026")
    accept.locator("input[name=password2]").fill("Lotus-Harbour-2026")
    accept.locator("button[type=submit]").click()

    expect(guest).to_have_url(re.compile(rf"/t/{TENANT}/$"))
    expect(guest.get_by_test_id("home-title")).to_contain_text("林新同")
    expect(guest.locator(".alert-success")).to_be_visible()
    shot(guest, "invitee-home")

    user = User.objects.get(email=invitee)
    assert user.check_password("Lotus-Harbour-2026")
    with tenant_context(Tenant.objects.get(slug=TENANT)):
        assert Membership.objects.get(user=user).role == Role.CHANNEL_MANAGER

    # The admin sees the new colleague among the members, no longer as pending.
    admin.reload()
    expect(admin.get_by_test_id("member-table")).to_contain_text("林新同")
    shot(admin, "new-member-listed")
