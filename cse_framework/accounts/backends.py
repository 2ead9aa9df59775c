"""Signing in by e-mail and password, and reading the signed-in user on each request."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from cse_framework.accounts.models import User
from cse_framework.notices.models import NoticeRecipient

UNREAD = "unread_notices_count"


class AccountBackend(ModelBackend):
    """Django's model backend, but the user each request reads comes with their number of unread
    notices (``unread_notices_count``) in the same query: every page's header shows it."""

    def get_user(self, user_id):
        unread = (
            NoticeRecipient.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        user = (
            User._default_manager.annotate(
                **{UNREAD: Coalesce(Subquery(unread, output_field=IntegerField()), 0)}
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
