"""The clocks under /api/v1/deadlines/: the same scope and audit as the work lists."""

from rest_framework import mixins, pagination, serializers, viewsets

from cse_framework.api import AuditedReadMixin
from cse_framework.timescales.models import Deadline
from cse_framework.timescales.selectors import OPEN


class DeadlineOutput(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    started_by = serializers.SerializerMethodField()
    owning_team = serializers.StringRelatedField()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "state",
            "child",
            "started_by",
            "starts_at",
            "due_soon_at",
            "due_at",
            "escalate_at",
            "owning_team",
            "owner",
            "met_at",
            "not_required_at",
            "breach_reason",
        ]

    def get_state(self, deadline) -> str:
        return deadline.state()

    def get_started_by(self, deadline) -> str:
        """The reference of what started the clock (a referral's "CSE-2026-000123")."""
        return getattr(deadline.started_by, "reference", "") or ""


class SoonestFirstCursorPagination(pagination.CursorPagination):
    ordering = ("due_at", "id")
    page_size = 25


class DeadlineViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Open clocks the signed-in user may see, the soonest first (closed ones by id)."""

    serializer_class = DeadlineOutput
    queryset = Deadline.objects.none()
    pagination_class = SoonestFirstCursorPagination

    def get_base_queryset(self):
        clocks = Deadline.objects.select_related("owning_team").prefetch_related("started_by")
        return clocks.filter(OPEN) if self.action == "list" else clocks
