"""MACSE under /api/v1/: meetings, agenda items, plans (with their actions and kept versions) and
actions, read through the same access mechanism and audit as the pages; an action's progress is
recorded by its owner or the plan's roles through macse.services (field-level 400s, a stale
version 409 with nothing saved, 404 outside the user's scope). Items drawn from police-only
intelligence are seen only by police-only users (D12)."""

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, pagination, serializers, status, viewsets
from rest_framework.decorators import action as route
from rest_framework.response import Response

from cse_framework import access
from cse_framework.api import conflict, field_errors
from cse_framework.audit import services as audit
from cse_framework.audit.models import AccessEvent
from macse import plan_selectors, policy, services
from macse.models import (
    Action,
    ActionProgress,
    AgendaItem,
    Attendee,
    Meeting,
    Plan,
    PlanVersion,
)

# --- What is read -----------------------------------------------------------------------------


class MacseAttendeeOutput(serializers.ModelSerializer):
    agency = serializers.StringRelatedField()

    class Meta:
        model = Attendee
        fields = ["name", "agency", "role", "attendance"]


class MacseMeetingOutput(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    chair = serializers.StringRelatedField()
    administrator = serializers.StringRelatedField()
    attendees = MacseAttendeeOutput(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "reference",
            "starts_at",
            "venue",
            "chair",
            "administrator",
            "status",
            "confidentiality_acknowledged_at",
            "agenda_built_at",
            "closed_at",
            "attendees",
            "version",
        ]


class MacseAgendaItemOutput(serializers.ModelSerializer):
    child_name = serializers.StringRelatedField(source="child", allow_null=True)
    agencies_directed = serializers.StringRelatedField(many=True, read_only=True)
    decided_by = serializers.StringRelatedField()

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "section",
            "position",
            "child",
            "child_name",
            "referral",
            "title",
            "details",
            "police_only",
            "parents_told",
            "parents_not_told_reason",
            "deferred_at",
            "deferred_reason",
            "minutes",
            "decision",
            "decision_rationale",
            "flag_decision",
            "agencies_directed",
            "closure_assessment",
            "decided_by",
            "decided_at",
            "version",
        ]


class MacseProgressOutput(serializers.ModelSerializer):
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = ActionProgress
        fields = ["note", "status", "meeting", "recorded_by", "recorded_at"]


class MacseLatestProgress(serializers.Serializer):
    note = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField()


class MacseActionOutput(serializers.ModelSerializer):
    child = serializers.UUIDField(source="plan.child_id", read_only=True)
    owner_label = serializers.CharField(
        read_only=True, help_text="The owner: a user's name, or the named contact's"
    )
    agency = serializers.StringRelatedField()
    latest_progress = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "plan",
            "child",
            "section",
            "about",
            "about_details",
            "desired_outcome",
            "description",
            "owner",
            "owner_name",
            "owner_label",
            "agency",
            "due_on",
            "status",
            "set_at",
            "created_at",
            "latest_progress",
            "version",
        ]

    @extend_schema_field(MacseLatestProgress(allow_null=True))
    def get_latest_progress(self, row) -> dict | None:
        if getattr(row, "latest_at", None) is None:
            return None
        return {"note": row.latest_note, "recorded_at": row.latest_at, "recorded_by": row.latest_by}


class MacseActionDetailOutput(MacseActionOutput):
    progress = MacseProgressOutput(many=True, read_only=True, source="progress_list")

    class Meta(MacseActionOutput.Meta):
        fields = [*MacseActionOutput.Meta.fields, "progress"]


class MacsePlanVersionOutput(serializers.ModelSerializer):
    agreed_by = serializers.StringRelatedField()
    actions = serializers.JSONField(
        read_only=True, help_text="Each action as agreed, kept unchanged"
    )

    class Meta:
        model = PlanVersion
        fields = ["id", "number", "meeting", "agreed_at", "agreed_by", "actions"]


class MacsePlanOutput(serializers.ModelSerializer):
    child_name = serializers.StringRelatedField(source="child")
    lead_professional = serializers.StringRelatedField()
    on_macse = serializers.CharField(source="entry.status", read_only=True)
    actions = MacseActionOutput(many=True, read_only=True, source="action_list")
    versions = MacsePlanVersionOutput(many=True, read_only=True, source="version_list")

    class Meta:
        model = Plan
        fields = [
            "id",
            "child",
            "child_name",
            "lead_professional",
            "young_person_views",
            "review_on",
            "on_macse",
            "actions",
            "versions",
            "version",
        ]


# --- What is written --------------------------------------------------------------------------


class MacseProgressInput(serializers.Serializer):
    """A progress note and the action's status now; ``version`` is the action's version as it
    was read (a stale one is refused with 409 and nothing saved)."""

    note = serializers.CharField(allow_blank=True, help_text="What has been done")
    status = serializers.ChoiceField(choices=Action.Status.choices)
    version = serializers.IntegerField(min_value=1, help_text="The action's version as read")


class MacseConflict(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The version stored now")


STALE = (
    "Someone else updated this action while you were working on it, so nothing was saved: "
    "read it again and send your update with the version stored now"
)


# --- Reading: scoped and audited --------------------------------------------------------------


class ScopedRead:
    """List and read through the access mechanism (``access.scope``; a record out of scope is a
    404 like a missing one); every object returned is one audited view, of its child."""

    def get_base_queryset(self):
        raise NotImplementedError

    def child_of(self, obj):
        return audit.child_id_of(obj)

    def get_queryset(self):
        return access.scope(self.request.user, self.get_base_queryset())

    def get_object(self):
        obj = access.get_object_or_404(self.request, self.get_base_queryset(), pk=self.kwargs["pk"])
        audit.record_view(self.request, [obj], child_of=self.child_of)
        return obj

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        audit.record_view(
            self.request, page if page is not None else queryset, child_of=self.child_of
        )
        return page


def _cursor(*fields: str) -> type[pagination.CursorPagination]:
    """Cursor pagination in ``fields``' order: no COUNT, no OFFSET, no name in the cursor."""
    return type("Cursor", (pagination.CursorPagination,), {"ordering": fields, "page_size": 25})


class ReadOnly(
    ScopedRead, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    pass


def _int_param(request, name: str) -> int | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return int(value)
    except ValueError as error:
        raise serializers.ValidationError({name: "Not a record number"}) from error


class MacseMeetingViewSet(ReadOnly):
    """MACSE meetings the signed-in user may see (the MACSE roles, and those invited), the
    latest first, with their attendees."""

    serializer_class = MacseMeetingOutput
    queryset = Meeting.objects.none()
    pagination_class = _cursor("-starts_at", "id")

    def get_base_queryset(self):
        return Meeting.objects.select_related("chair", "administrator").prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.select_related("agency"))
        )


MEETING = OpenApiParameter("meeting", OpenApiTypes.INT, description="Only this meeting's items")


class MacseAgendaItemViewSet(ReadOnly):
    """Agenda items of the meetings the signed-in user may see, by meeting (the latest first)
    and position; an item drawn from police-only intelligence only for police-only users
    (D12). ``?meeting=<id>`` lists one meeting's."""

    serializer_class = MacseAgendaItemOutput
    queryset = AgendaItem.objects.none()
    pagination_class = _cursor("-meeting_id", "position", "id")

    def get_base_queryset(self):
        items = AgendaItem.objects.select_related("child", "decided_by").prefetch_related(
            "agencies_directed"
        )
        if not policy.sees_police_only(self.request.user):
            items = items.filter(police_only=False)
        return items

    def get_queryset(self):
        items = super().get_queryset()
        meeting = _int_param(self.request, "meeting")
        return items if meeting is None else items.filter(meeting_id=meeting)

    @extend_schema(parameters=[MEETING])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


CHILD = OpenApiParameter("child", OpenApiTypes.UUID, description="Only this child's plan")


class MacsePlanViewSet(ReadOnly):
    """Children's MACSE plans the signed-in user may see (as the child's Shield records, and
    the MACSE roles), with their actions under Support, Prevent, Protect and Pursue (D10) and
    their kept versions, each as its meeting agreed it. ``?child=<id>`` finds one child's."""

    serializer_class = MacsePlanOutput
    queryset = Plan.objects.none()
    pagination_class = _cursor("-id")

    def get_base_queryset(self):
        actions = plan_selectors.with_latest_progress(
            access.scope(
                self.request.user, Action.objects.select_related("plan", "owner", "agency")
            )
        ).order_by("section", "due_on", "pk")
        versions = PlanVersion.objects.select_related("agreed_by").order_by("number")
        return Plan.objects.select_related("child", "lead_professional", "entry").prefetch_related(
            Prefetch("actions", queryset=actions, to_attr="action_list"),
            Prefetch("versions", queryset=versions, to_attr="version_list"),
        )

    def get_queryset(self):
        plans = super().get_queryset()
        child = self.request.query_params.get("child")
        if self.action == "list" and child:
            try:
                plans = plans.filter(child_id=uuid.UUID(child))
            except ValueError as error:
                raise serializers.ValidationError(
                    {"child": "Not a child's record number"}
                ) from error
        return plans

    @extend_schema(parameters=[CHILD])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class MacseActionViewSet(ReadOnly):
    """MACSE plan actions the signed-in user may see: their own (a partner sees only these;
    another agency's is a 404), and those of the plans they may see; the soonest due first.
    ``?plan=<id>`` lists one plan's, ``?mine=true`` the user's own. Their owner, or the plan's
    roles (for a named contact without an account), record progress."""

    serializer_class = MacseActionOutput
    queryset = Action.objects.none()
    pagination_class = _cursor("due_on", "id")

    def child_of(self, obj):
        return plan_selectors.child_of_action(obj)

    def get_base_queryset(self):
        actions = plan_selectors.with_latest_progress(
            Action.objects.select_related("plan", "owner", "agency")
        )
        if self.action == "list":
            return actions
        progress = ActionProgress.objects.select_related("recorded_by").order_by(
            "recorded_at", "id"
        )
        return actions.prefetch_related(
            Prefetch("progress", queryset=progress, to_attr="progress_list")
        )

    def get_serializer_class(self):
        return MacseActionDetailOutput if self.action != "list" else MacseActionOutput

    def get_queryset(self):
        actions = super().get_queryset()
        if self.action != "list":
            return actions
        plan = _int_param(self.request, "plan")
        if plan is not None:
            actions = actions.filter(plan_id=plan)
        if self.request.query_params.get("mine") in ("true", "1"):
            actions = actions.filter(owner=self.request.user)
        return actions

    @extend_schema(
        parameters=[
            OpenApiParameter("plan", OpenApiTypes.INT, description="Only this plan's actions"),
            OpenApiParameter("mine", OpenApiTypes.BOOL, description="Only the user's own"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=MacseProgressInput,
        responses={
            201: MacseActionDetailOutput,
            400: OpenApiResponse(description="Field errors; nothing saved"),
            404: OpenApiResponse(description="Not an action the user may update"),
            409: OpenApiResponse(MacseConflict, description="Stale: nothing saved"),
        },
    )
    @route(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        """Record progress on an action (its owner, or the plan's roles): done meets the
        action's clock, cancelled makes it not required."""
        found = access.get_object_or_404(request, Action.objects.select_related("plan"), pk=pk)
        if not access.check(request.user, policy.PROGRESS, found):
            audit.record_denial(request, found)
            raise Http404
        data = MacseProgressInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        try:
            services.action_progress(
                action=found,
                by=request.user,
                note=fields["note"],
                status=fields["status"],
                expected_version=fields["version"],
            )
        except services.StaleError:
            return conflict(STALE, found)
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        audit.record_view(
            request,
            [found],
            child_of=plan_selectors.child_of_action,
            action=AccessEvent.Action.CHANGE,
        )
        fresh = self.get_base_queryset().get(pk=found.pk)
        return Response(MacseActionDetailOutput(fresh).data, status=status.HTTP_201_CREATED)
