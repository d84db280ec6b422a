"""The admin URLs of 账号与安全 (namespace ``accounts``), mounted under /admin/accounts/ by ``wagtail_hooks``."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.AccountIndexView.as_view(), name="index"),
    path("new/", views.AccountCreateView.as_view(), name="create"),
    path("bulk/", views.BulkCreateView.as_view(), name="bulk"),
    path("dormant/", views.DormantView.as_view(), name="dormant"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("audit/", views.AuditExportView.as_view(), name="audit_export"),
    path("password/", views.ChangePasswordView.as_view(), name="change_password"),
    path("2fa/setup/", views.TwoFactorSetupView.as_view(), name="2fa_setup"),
    path("2fa/verify/", views.TwoFactorVerifyView.as_view(), name="2fa_verify"),
    path("<id:pk>/toggle/", views.ToggleActiveView.as_view(), name="toggle"),
    path("<id:pk>/reset/", views.ResetPasswordView.as_view(), name="reset"),
    path("<id:pk>/unlock/", views.UnlockView.as_view(), name="unlock"),
    path("<id:pk>/move/", views.MoveAccountView.as_view(), name="move"),
    path("<id:pk>/history/", views.LoginHistoryView.as_view(), name="history"),
]
