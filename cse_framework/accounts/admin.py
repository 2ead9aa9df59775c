"""The admin manages reference data only: users, agencies and teams. No child-scoped model is
ever registered here, since the admin would bypass the access mechanism and the audit."""

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from cse_framework.accounts.models import Agency, Role, Team, User


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "agency", "kind"]
    list_filter = ["kind", "agency"]
    search_fields = ["name"]


class UserAdminForm(forms.ModelForm):
    roles = forms.ModelMultipleChoiceField(
        queryset=Role.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = User
        fields = [
            "email",
            "full_name",
            "job_title",
            "phone",
            "agency",
            "team",
            "roles",
            "is_active",
        ]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin):
    form = UserAdminForm
    list_display = ["full_name", "email", "agency", "team", "is_active"]
    list_filter = ["is_active", "agency", "roles"]
    search_fields = ["full_name", "email"]
    readonly_fields = ["last_login", "date_joined"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Leavers are deactivated, never deleted: their history stays attributed to them.
        return False


# Second-factor secrets and API tokens are never shown in the admin: a second factor is reset by
# its own audited journey, never by editing a device.
# Groups are not used: roles (D22) are the one mechanism.
for model in (TOTPDevice, StaticDevice, TokenProxy, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
