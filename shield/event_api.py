"""Flags, incidents and missing episodes under /api/v1/: read through the same access mechanism
and audit as the pages, created through the same services, with field-level 400s."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, pagination, serializers, status, viewsets
from rest_framework.response import Response

from cse_framework import access
from cse_framework.accounts.models import Agency
from cse_framework.api import AuditedReadMixin
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record, record_denial
from referrals.models import Child, Referral
from shield import event_selectors as selectors
from shield import event_services as services
from shield.models import Flag, Incident, MissingEpisode
from shield.models.scheme import BandCode
from shield.policy import ASSESS_ROLES

NO_CHILD = "No child whose Shield records you may see has this id"


class NewestFirst(pagination.CursorPagination):
    """Newest recorded first on the primary key (indexed); the cursor holds an id, never a
    name."""

    ordering = ("-id",)
    page_size = 25


class FlagOutput(serializers.ModelSerializer):
    agency = serializers.StringRelatedField()
    decided_by = serializers.StringRelatedField()
    removed_by = serializers.StringRelatedField()
    current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Flag
        fields = [
            "id",
            "child",
            "kind",
            "agency",
            "risk_level",
            "rationale",
            "decided_on",
            "decided_by",
            "current",
            "removed_on",
            "removal_reason",
            "removed_by",
            "version",
        ]


class IncidentOutput(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    referral_reference = serializers.CharField(source="referral.reference", default=None)
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "child",
            "occurred_at",
            "description",
            "referral",
            "referral_reference",
            "recorded_by",
            "recorded_at",
        ]


class MissingEpisodeOutput(serializers.ModelSerializer):
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = MissingEpisode
        fields = [
            "id",
            "child",
            "went_missing_at",
            "returned_at",
            "reported_to_police",
            "interview_done",
            "interview_by",
            "interview_on",
            "notes",
            "recorded_by",
            "recorded_at",
            "version",
        ]


class ChildInput(serializers.Serializer):
    """The child, by record number: one whose Shield records the user may see. Any other, or
    none, is the same field error (and an existing one out of scope is audited as denied)."""

    child = serializers.UUIDField()

    def validate_child(self, value):
        request = self.context["request"]
        child = selectors.shield_children(request.user).filter(pk=value).first()
        if child is None:
            hidden = Child.objects.filter(pk=value).first()
            if hidden is not None:
                record_denial(request, hidden)
            raise serializers.ValidationError(NO_CHILD)
        return child


class IncidentInput(ChildInput):
    """A new incident; its CSE1 draft needs the consent to share (D8)."""

    occurred_at = serializers.DateTimeField()
    description = serializers.CharField()
    consent = serializers.ChoiceField(choices=Referral.Consent.choices)
    consent_override_reason = serializers.CharField(required=False, default="", allow_blank=True)


class MissingEpisodeInput(ChildInput):
    went_missing_at = serializers.DateTimeField()
    returned_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    reported_to_police = serializers.BooleanField(required=False, default=False)
    interview_done = serializers.BooleanField(required=False, default=False)
    interview_by = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    interview_on = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, default="", allow_blank=True)


class FlagInput(ChildInput):
    kind = serializers.ChoiceField(choices=Flag.Kind.choices)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    risk_level = serializers.ChoiceField(choices=BandCode.choices)
    rationale = serializers.CharField()
    decided_on = serializers.DateField()


def _errors(error: DjangoValidationError) -> dict:
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    return {
        "non_field_errors" if field == "__all__" else field: messages
        for field, messages in error.message_dict.items()
    }


class _CreateThroughService:
    """Create: the role check (403), the input (field-level 400), one service, 201."""

    input_class: type[serializers.Serializer]
    output_class: type[serializers.Serializer]

    def may_create(self, user) -> bool:
        raise NotImplementedError

    def run_service(self, request, data: dict):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        if not (access.is_verified(request.user) and self.may_create(request.user)):
            raise PermissionDenied
        data = self.input_class(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        try:
            obj = self.run_service(request, dict(data.validated_data))
        except DjangoValidationError as error:
            raise serializers.ValidationError(_errors(error)) from error
        record(request, AccessEvent.Action.CREATE, obj)
        return Response(self.output_class(obj).data, status=status.HTTP_201_CREATED)


class _EventViewSet(
    _CreateThroughService,
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    pagination_class = NewestFirst


class FlagViewSet(_EventViewSet):
    """Flags on agencies' systems for the children whose Shield records the user may see,
    current and removed, newest first. Every flag returned is audited."""

    serializer_class = FlagOutput
    output_class = FlagOutput
    input_class = FlagInput
    queryset = Flag.objects.none()

    def get_base_queryset(self):
        return Flag.objects.select_related("agency", "decided_by", "removed_by")

    def may_create(self, user) -> bool:
        return bool(services.flag_kinds_for(user))

    def run_service(self, request, data):
        return services.flag_raise(by=request.user, **data)

    @extend_schema(request=FlagInput, responses={201: FlagOutput})
    def create(self, request, *args, **kwargs):
        """Raise a flag: the police CSE flag by the police, others by partnership decision; a
        current flag of the same kind and agency is replaced (and kept)."""
        return super().create(request, *args, **kwargs)


class IncidentViewSet(_EventViewSet):
    """Incidents, each with the new CSE1 it started, newest recorded first."""

    serializer_class = IncidentOutput
    output_class = IncidentOutput
    input_class = IncidentInput
    queryset = Incident.objects.none()

    def get_base_queryset(self):
        return Incident.objects.select_related("referral", "recorded_by")

    def may_create(self, user) -> bool:
        return user.has_role(*ASSESS_ROLES)

    def run_service(self, request, data):
        incident = services.incident_record(by=request.user, **data)
        record(request, AccessEvent.Action.CREATE, incident.referral)
        return incident

    @extend_schema(request=IncidentInput, responses={201: IncidentOutput})
    def create(self, request, *args, **kwargs):
        """Record a new incident (D17): starts its CSE1 draft (complete and submit it through
        /api/v1/referrals/) and a CSE2 review clock due in 5 working days."""
        return super().create(request, *args, **kwargs)


class MissingEpisodeViewSet(_EventViewSet):
    """Missing-from-home episodes and their return home interviews, newest recorded first."""

    serializer_class = MissingEpisodeOutput
    output_class = MissingEpisodeOutput
    input_class = MissingEpisodeInput
    queryset = MissingEpisode.objects.none()

    def get_base_queryset(self):
        return MissingEpisode.objects.select_related("recorded_by")

    def may_create(self, user) -> bool:
        return user.has_role(*ASSESS_ROLES)

    def run_service(self, request, data):
        return services.missing_episode_record(by=request.user, **data)

    @extend_schema(request=MissingEpisodeInput, responses={201: MissingEpisodeOutput})
    def create(self, request, *args, **kwargs):
        """Record a missing episode, with its return and return home interview if known."""
        return super().create(request, *args, **kwargs)
