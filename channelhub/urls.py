from django.contrib import admin
from django.urls import include, path

from channelhub.views import accounts, approvals, inbox, members, portal, profile, workspace

account_patterns = [
    path("login/", accounts.login_page, name="login"),
    path("logout/", accounts.logout_page, name="logout"),
    path("password-reset/", accounts.password_reset, name="password_reset"),
    path("password-reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", accounts.password_reset_confirm, name="password_reset_confirm"),
    path("password-reset/complete/", accounts.password_reset_complete, name="password_reset_complete"),
    path("workspaces/", portal.entry, name="choose-tenant"),
]

# Everything under /t/<tenant_slug>/ runs with that tenant active (TenantMiddleware).
tenant_patterns = [
    path("", portal.home, name="home"),
    path("settings/", workspace.workspace_settings, name="workspace-settings"),
    path("members/", members.member_list, name="member-list"),
    path("members/<int:pk>/", members.member_edit, name="member-edit"),
    path("invitations/<int:pk>/revoke/", members.invitation_revoke, name="invitation-revoke"),
    path("approvals/", approvals.approval_queue, name="approval-queue"),
    path("approvals/<int:pk>/", approvals.approval_detail, name="approval-detail"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox.notification_open, name="notification-open"),
    path("inbox/read-all/", inbox.inbox_read_all, name="inbox-read-all"),
    path("inbox/preferences/", inbox.notification_preferences, name="notification-preferences"),
    path("outbox/", inbox.outbox, name="outbox"),
    path("profile/", profile.profile, name="profile"),
    path("profile/password/", profile.password_change, name="password-change"),
    path("files/<int:pk>/", inbox.file_download, name="file-download"),
    path("partners/", include("partners.urls")),
    path("onboarding/", include("onboarding.urls")),
    path("filings/", include("filings.urls")),
    path("orders/", include("orders.urls")),
]

urlpatterns = [
    path("", portal.entry, name="portal-entry"),
    path("accounts/", include(account_patterns)),
    path("i18n/setlang/", accounts.set_language, name="set_language"),
    path("invite/<str:token>/", accounts.accept_invitation, name="invitation-accept"),
    path("approve/<str:token>/", approvals.approval_link, name="approval-link"),
    path("approve/<str:token>/files/<int:file_pk>/", approvals.approval_link_file, name="approval-link-file"),
    path("healthz", portal.healthz, name="healthz"),
    path("favicon.ico", portal.favicon, name="favicon"),
    path("join/", include("onboarding.public_urls")),
    path("t/<slug:tenant_slug>/", include(tenant_patterns)),
    path("admin/", admin.site.urls),
]

handler403 = "channelhub.views.errors.forbidden"
handler404 = "channelhub.views.errors.not_found"
