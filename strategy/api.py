"""Strategy discussions and meetings under /api/v1/: read through the same access mechanism and
audit as the pages (recording them is done in the service's pages)."""

from rest_framework import mixins, pagination, serializers, viewsets

from cse_framework.api import AuditedReadMixin
from strategy.models import (
    AgreedAction,
    Amendment,
    Participant,
    StrategyDiscussion,
    StrategyMeeting,
)


class ParticipantOutput(serializers.ModelSerializer):
    agency = serializers.StringRelatedField()

    class Meta:
        model = Participant
        fields = ["name", "agency", "role", "attendance"]


class ActionOutput(serializers.ModelSerializer):
    owner = serializers.StringRelatedField()
    owner_agency = serializers.StringRelatedField()

    class Meta:
        model = AgreedAction
        fields = ["description", "owner", "owner_name", "owner_agency", "due_on"]


class AmendmentOutput(serializers.ModelSerializer):
    made_by = serializers.StringRelatedField()

    class Meta:
        model = Amendment
        fields = ["changes", "reason", "made_by", "made_at"]


HELD_FIELDS = [
    "id",
    "reference",
    "child",
    "held_at",
    "chair",
    "participants",
    "police_took_part",
    "health_took_part",
    "compliant",
    "not_compliant_reason",
    "outcomes",
    "rationale",
    "actions",
    "signed_off_at",
    "amendments",
    "version",
]


class HeldRecordOutput(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    chair = serializers.StringRelatedField()
    compliant = serializers.BooleanField(read_only=True)
    participants = ParticipantOutput(many=True, read_only=True)
    actions = ActionOutput(many=True, read_only=True)
    amendments = AmendmentOutput(many=True, read_only=True)


class DiscussionOutput(HeldRecordOutput):
    class Meta:
        model = StrategyDiscussion
        fields = [*HELD_FIELDS, "information_considered", "risk_to_others", "recorded_at"]


class MeetingOutput(HeldRecordOutput):
    class Meta:
        model = StrategyMeeting
        fields = [*HELD_FIELDS, "discussion", "scheduled_for", "venue", "minutes", "created_at"]


class NewestRecordedFirst(pagination.CursorPagination):
    ordering = ("-recorded_at", "id")
    page_size = 25


RELATED = [
    "participants__agency",
    "actions__owner",
    "actions__owner_agency",
    "amendments__made_by",
]


class DiscussionViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Strategy discussions the signed-in user may see, the most recently recorded first."""

    serializer_class = DiscussionOutput
    queryset = StrategyDiscussion.objects.none()
    pagination_class = NewestRecordedFirst

    def get_base_queryset(self):
        return StrategyDiscussion.objects.select_related("referral", "chair").prefetch_related(
            *RELATED
        )


class MeetingViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Strategy meetings the signed-in user may see, the most recently arranged first."""

    serializer_class = MeetingOutput
    queryset = StrategyMeeting.objects.none()

    def get_base_queryset(self):
        return StrategyMeeting.objects.select_related("referral", "chair").prefetch_related(
            *RELATED
        )
