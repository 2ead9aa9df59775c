"""Flags, incidents and missing episodes under /api/v1/: read through the same access mechanism
and audit as the pages, created and changed through the same services, with field-level 400s.
A missing episode is updated (the return, the return home interview) and a flag removed (a
recorded decision) by those the pages let do it, with the version read: a stale change answers
409 and keeps nothing."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, pagination, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.fields import empty
from rest_framework.response import Response

from cse_framework import access
from cse_framework.accounts.models import Agency
from cse_framework.api import AuditedReadMixin, conflict, field_errors
from cse_framework.audit.models import AccessEvent
from cse_framework.audit.services import record, record_denial
from referrals.models import Child, Referral
from shield import event_selectors as selectors
from shield import event_services as services
from shield.api import Conflict
from shield.models import Flag, Incident, MissingEpisode
from shield.models.scheme import BandCode
from shield.policy import ASSESS, ASSESS_ROLES
from shield.services import StaleError

NO_CHILD = "No child whose Shield records you may see has this id"
STALE = (
    "Someone else changed this record while you were working on it, so nothing was saved: "
    "read it again and make your change to the version stored now"
)


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


class SentBooleanField(serializers.BooleanField):
    """Yes or no, only if sent: left out of a form-encoded body it is left out, not read as
    "no" (so a change never clears what was not sent)."""

    default_empty_html = empty


class EpisodeFields(serializers.Serializer):
    """A missing episode's fields. Those not sent are left out: a new episode takes the
    service's defaults (not returned, no interview), a change leaves them as they are."""

    went_missing_at = serializers.DateTimeField(required=False)
    returned_at = serializers.DateTimeField(required=False, allow_null=True)
    reported_to_police = SentBooleanField(required=False)
    interview_done = SentBooleanField(required=False, help_text="Return home interview done")
    interview_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
    interview_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class MissingEpisodeInput(ChildInput, EpisodeFields):
    went_missing_at = serializers.DateTimeField()


class MissingEpisodeChange(EpisodeFields):
    """The return, the return home interview (done, by whom, when) or a correction: only the
    fields sent change. ``version`` is the episode's as it was read."""

    version = serializers.IntegerField(min_value=1)


class FlagInput(ChildInput):
    kind = serializers.ChoiceField(choices=Flag.Kind.choices)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    risk_level = serializers.ChoiceField(choices=BandCode.choices)
    rationale = serializers.CharField()
    decided_on = serializers.DateField()


class FlagRemoveInput(serializers.Serializer):
    """Removing a flag is a recorded decision: why, on what date (who is the signed-in user).
    ``version`` is the flag's as it was read."""

    version = serializers.IntegerField(min_value=1)
    reason = serializers.CharField()
    removed_on = serializers.DateField(help_text="The date of the decision")


CONFLICT = OpenApiResponse(
    Conflict, description="Changed or removed since it was read: nothing saved"
)
FIELD_ERRORS = OpenApiResponse(
    description="What is missing or wrong, field by field; nothing saved"
)


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
            raise serializers.ValidationError(field_errors(error)) from error
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

    def may_change(self, user, obj) -> bool:
        raise NotImplementedError

    def to_change(self, request, pk):
        """A record the user may see and may change, as the pages decide; anyone else gets
        404, as for a missing one, and the denial is audited."""
        obj = access.get_object_or_404(request, self.get_base_queryset(), pk=pk)
        if not self.may_change(request.user, obj):
            record_denial(request, obj)
            raise Http404
        return obj


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

    def may_change(self, user, obj) -> bool:
        return services.may_raise(user, obj.kind)

    @extend_schema(
        request=FlagRemoveInput,
        responses={200: FlagOutput, 400: FIELD_ERRORS, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """Remove a current flag: a recorded decision with its reason and date, by whoever may
        raise a flag of its kind (the police CSE flag by the police, others by partnership
        decision). The flag is kept, marked removed, with who removed it. 409 if it was
        removed or changed since it was read."""
        flag = self.to_change(request, pk)
        data = FlagRemoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        if not flag.current:
            return conflict(services.ALREADY_REMOVED, flag)
        decision = dict(data.validated_data)
        try:
            removed = services.flag_remove(
                flag=flag,
                by=request.user,
                reason=decision["reason"],
                removed_on=decision["removed_on"],
                expected_version=decision["version"],
            )
        except StaleError:
            return conflict(STALE, flag)
        except DjangoValidationError as error:
            if error.messages == [services.ALREADY_REMOVED]:  # removed by someone else meanwhile
                return conflict(services.ALREADY_REMOVED, flag)
            raise serializers.ValidationError(field_errors(error)) from error
        record(request, AccessEvent.Action.CHANGE, removed)
        return Response(FlagOutput(removed).data)

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

    def may_change(self, user, obj) -> bool:
        return access.check(user, ASSESS, obj)

    @extend_schema(
        request=MissingEpisodeChange,
        responses={200: MissingEpisodeOutput, 400: FIELD_ERRORS, 409: CONFLICT},
    )
    def partial_update(self, request, pk=None):
        """Add the return and the return home interview (done, by whom, when), or correct the
        episode: only the fields sent change, checked as a whole as when it was recorded. By
        those who record episodes for the child; 409 if someone else changed it first."""
        episode = self.to_change(request, pk)
        data = MissingEpisodeChange(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        try:
            saved = services.missing_episode_update(
                episode=episode, by=request.user, expected_version=version, **fields
            )
        except StaleError:
            return conflict(STALE, episode)
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        record(request, AccessEvent.Action.CHANGE, saved)
        return Response(MissingEpisodeOutput(saved).data)

    @extend_schema(request=MissingEpisodeInput, responses={201: MissingEpisodeOutput})
    def create(self, request, *args, **kwargs):
        """Record a missing episode, with its return and return home interview if known."""
        return super().create(request, *args, **kwargs)
