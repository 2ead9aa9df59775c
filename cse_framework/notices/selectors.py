from cse_framework.notices.models import NoticeRecipient


def unread_count(user) -> int:
    return NoticeRecipient.objects.filter(user=user, read_at__isnull=True).count()


def notices_for(user):
    """A user's notices, newest first (the notice's fields with each copy)."""
    return NoticeRecipient.objects.filter(user=user).select_related("notice")
