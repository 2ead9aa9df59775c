from django.urls import path

from cse_framework.accounts import access_request_views, reset_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/security-code/", views.security_code, name="security-code"),
    path("sign-in/set-up-authenticator/", views.enrol, name="enrol"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("keep-alive/", views.keep_alive, name="keep-alive"),
    path("kept-form/", views.kept_form, name="kept-form"),
    path("", views.account, name="account"),
    path("backup-codes/", views.backup_codes, name="backup-codes"),
    # Issue 10: asking for an account, and the agency approvers' decisions.
    path("request/", access_request_views.request_account, name="access-request"),
    path("request/sent/", access_request_views.request_sent, name="access-request-sent"),
    path("requests/", access_request_views.request_list, name="access-request-list"),
    path("requests/<int:pk>/", access_request_views.request_detail, name="access-request-detail"),
    path(
        "requests/<int:pk>/approve/",
        access_request_views.request_approve,
        name="access-request-approve",
    ),
    path(
        "requests/<int:pk>/refuse/",
        access_request_views.request_refuse,
        name="access-request-refuse",
    ),
    # Issue 10: resets.
    path("password/forgotten/", reset_views.password_reset, name="password-reset"),
    path("password/email-sent/", reset_views.password_reset_sent, name="password-reset-sent"),
    path(
        "set-password/<uidb64>/<token>/",
        reset_views.SetPasswordView.as_view(),
        name="set-password",
    ),
    path(
        "users/<int:pk>/reset-second-factor/",
        reset_views.second_factor_reset,
        name="second-factor-reset",
    ),
]
