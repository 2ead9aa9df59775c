from django.urls import path

from cse_framework.accounts import views

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
]
