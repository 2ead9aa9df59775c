"""The signed-in user's notices under /api/v1/notices/, and marking one read."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, pagination, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cse_framework.notices import selectors, services
from cse_framework.notices.models import NoticeRecipient
from cse_framework.notices.selectors import EmailStatus


class NoticeOutput(serializers.ModelSerializer):
    id = serializers.IntegerField(source="notice_id")
    kind = serializers.CharField(source="notice.kind")
    subject = serializers.CharField(source="notice.subject")
    reference = serializers.CharField(source="notice.reference")
    link = serializers.CharField(source="notice.link")
    created_at = serializers.DateTimeField(source="notice.created_at")
    email_status = serializers.ChoiceField(
        choices=EmailStatus.choices,
        allow_null=True,
        read_only=True,
        help_text="What became of this notice's e-mail to you (null for older notices).",
    )

    class Meta:
        model = NoticeRecipient
        fields = [
            "id",
            "kind",
            "subject",
            "reference",
            "link",
            "created_at",
            "read_at",
            "email_status",
        ]


class NewestFirst(pagination.CursorPagination):
    ordering = ("-id",)
    page_size = 25


class NoticeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your notices, newest first. A notice carries a reference and a link, never details."""

    serializer_class = NoticeOutput
    pagination_class = NewestFirst
    queryset = NoticeRecipient.objects.none()

    def get_queryset(self):
        return selectors.notices_for(self.request.user)

    @extend_schema(request=None, responses={200: NoticeOutput})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one of your notices read (by the notice's id)."""
        services.notices_mark_read(user=request.user, notice_ids=[pk])
        copy = selectors.notices_for(request.user).filter(notice_id=pk).first()
        if copy is None:
            raise Http404
        return Response(NoticeOutput(copy).data)
