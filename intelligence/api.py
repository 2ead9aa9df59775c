"""Intelligence reports under /api/v1/ (issue 8, item 9) with the pages' police-only rules (D12).

What a user reads of a report is decided per report by ``intelligence.policy.view_of``, and each
view level has its own serializer: FULL (police-only users: everything, with the grading, the
outcome and the entities named), OWN (the submitter: what they submitted, never the grading,
the outcome or the status) and SANITISED (other professionals, once police share it: the
reference, the dates and the sanitised text only). The list is scoped through the access
mechanism; a report out of scope is a 404 like a missing one, the refusal audited; every report
returned is an audited view.

Any professional passes on intelligence (POST, through ``services.report_submit``: field-level
400s); police-only users grade and handle a report (POST .../handle/, through
``police_services.report_handle``: field-level 400s, 409 with nothing saved when the version
read is stale, 404 for everyone else, audited)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, pagination, serializers, viewsets
from rest_framework.decorators import action as route
from rest_framework.response import Response

from cse_framework import access
from cse_framework.api import conflict, field_errors
from cse_framework.audit import services as audit
from cse_framework.audit.models import AccessEvent
from intelligence import police_services, policy, selectors, services
from intelligence.models import (
    Location,
    OnlineHandle,
    Person,
    PersonAlias,
    Phone,
    Report,
    Vehicle,
)

# --- The entities a report names -------------------------------------------------------------


class IntelligencePersonOutput(serializers.ModelSerializer):
    aliases = serializers.SerializerMethodField()
    nicknames = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "aliases",
            "nicknames",
            "approximate_age",
            "description",
            "valid",
            "problem",
        ]

    def _names(self, person, kind) -> list[str]:
        return [alias.name for alias in person.aliases.all() if alias.kind == kind]

    def get_aliases(self, person) -> list[str]:
        return self._names(person, PersonAlias.Kind.ALIAS)

    def get_nicknames(self, person) -> list[str]:
        return self._names(person, PersonAlias.Kind.NICKNAME)


class IntelligenceVehicleOutput(serializers.ModelSerializer):
    registration = serializers.CharField(source="display", help_text="As typed (tidied)")

    class Meta:
        model = Vehicle
        fields = ["id", "registration", "key", "partial", "make", "model", "colour", "valid"]
        fields += ["problem"]


class IntelligencePhoneOutput(serializers.ModelSerializer):
    number = serializers.CharField(source="display")

    class Meta:
        model = Phone
        fields = ["id", "number", "key", "valid", "problem"]


class IntelligenceHandleOutput(serializers.ModelSerializer):
    class Meta:
        model = OnlineHandle
        fields = ["id", "platform", "handle", "display", "key", "valid", "problem"]


class IntelligenceLocationOutput(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "premises", "kind", "address", "postcode", "display", "valid", "problem"]


ENTITY_GROUPS = {
    Person: "people",
    Vehicle: "vehicles",
    Phone: "phones",
    OnlineHandle: "handles",
    Location: "locations",
}


class IntelligenceEntitiesOutput(serializers.Serializer):
    people = IntelligencePersonOutput(many=True)
    vehicles = IntelligenceVehicleOutput(many=True)
    phones = IntelligencePhoneOutput(many=True)
    handles = IntelligenceHandleOutput(many=True)
    locations = IntelligenceLocationOutput(many=True)


def _entities(report: Report) -> dict:
    grouped = {name: [] for name in ENTITY_GROUPS.values()}
    for _, entity in selectors.entities_of(report):
        grouped[ENTITY_GROUPS[type(entity)]].append(entity)
    return grouped


# --- A report, one serializer per view level ---------------------------------------------------


class _ReportOutput(serializers.ModelSerializer):
    view = serializers.SerializerMethodField(help_text="What the user may read of this report")
    reference = serializers.CharField(read_only=True)

    level = ""

    def get_view(self, report) -> str:
        return self.level


SANITISED_FIELDS = [
    "id",
    "view",
    "reference",
    "submitted_at",
    "observed_from",
    "observed_to",
    "shared_with_partners_at",
    "sanitised",
]
OWN_FIELDS = [
    "id",
    "view",
    "reference",
    "channel",
    "submitted_at",
    "observed_from",
    "observed_to",
    "pattern",
    "place",
    "what_happened",
    "children_mentioned",
    "provenance",
    "first_hand",
    "who_else_knows",
    "risk_to_source",
]
# Police-only (D12).
POLICE_FIELDS = [
    "submitted_by",
    "caller_name",
    "caller_organisation",
    "status",
    "police_reference",
    "source_grade",
    "intelligence_grade",
    "handling",
    "grading",
    "graded_by",
    "graded_at",
    "outcome",
    "outcome_at",
    "sanitised",
    "shared_with_partners_at",
    "version",
]


class IntelligenceReportSanitisedOutput(_ReportOutput):
    """Shared with partners by police: the reference, the dates and the sanitised text only."""

    level = policy.SANITISED

    class Meta:
        model = Report
        fields = SANITISED_FIELDS


class IntelligenceReportOwnOutput(_ReportOutput):
    """The submitter's own report: what they submitted, never the grading, outcome or status."""

    level = policy.OWN

    class Meta:
        model = Report
        fields = OWN_FIELDS


class IntelligenceReportFullOutput(_ReportOutput):
    """Police-only users (D12): everything."""

    level = policy.FULL
    submitted_by = serializers.StringRelatedField()
    graded_by = serializers.StringRelatedField()
    grading = serializers.CharField(read_only=True, help_text='3x5x2, e.g. "2B P"; "" if none')

    class Meta:
        model = Report
        fields = OWN_FIELDS + POLICE_FIELDS


class IntelligenceReportOwnDetail(IntelligenceReportOwnOutput):
    entities = serializers.SerializerMethodField()

    class Meta(IntelligenceReportOwnOutput.Meta):
        fields = [*OWN_FIELDS, "entities"]

    @extend_schema_field(IntelligenceEntitiesOutput)
    def get_entities(self, report) -> dict:
        return IntelligenceEntitiesOutput(_entities(report)).data


class IntelligenceReportFullDetail(IntelligenceReportFullOutput):
    entities = serializers.SerializerMethodField()

    class Meta(IntelligenceReportFullOutput.Meta):
        fields = [*OWN_FIELDS, *POLICE_FIELDS, "entities"]

    get_entities = IntelligenceReportOwnDetail.get_entities


LIST_OUTPUT = {
    policy.FULL: IntelligenceReportFullOutput,
    policy.OWN: IntelligenceReportOwnOutput,
    policy.SANITISED: IntelligenceReportSanitisedOutput,
}
DETAIL_OUTPUT = {
    policy.FULL: IntelligenceReportFullDetail,
    policy.OWN: IntelligenceReportOwnDetail,
    policy.SANITISED: IntelligenceReportSanitisedOutput,
}


def _as_read(user, report: Report, outputs: dict) -> dict:
    return outputs[policy.view_of(user, report)](report).data


def _one_of(name: str, outputs: dict) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name=name,
        serializers={view: serializer for view, serializer in outputs.items()},
        resource_type_field_name="view",
    )


REPORT_ROW = _one_of("IntelligenceReportRow", LIST_OUTPUT)
REPORT = _one_of("IntelligenceReport", DETAIL_OUTPUT)


class _ReportPage(serializers.Serializer):
    """A page of the list (for the schema: a row is one of the view levels)."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = serializers.ListField(child=REPORT_ROW)


# --- What is written --------------------------------------------------------------------------


def _text(**kwargs):
    return serializers.CharField(required=False, allow_blank=True, default="", **kwargs)


class IntelligencePersonInput(serializers.Serializer):
    name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    nicknames = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    approximate_age = _text(max_length=40)
    description = _text()


class IntelligenceVehicleInput(serializers.Serializer):
    registration = serializers.CharField(
        max_length=20, help_text="Full or partial; a malformed one is kept and flagged"
    )
    make = _text(max_length=60)
    model = _text(max_length=60)
    colour = _text(max_length=40)


class IntelligencePhoneInput(serializers.Serializer):
    number = serializers.CharField(max_length=40, help_text="Kept and flagged if malformed")


class IntelligenceHandleInput(serializers.Serializer):
    platform = _text(max_length=40)
    handle = serializers.CharField(max_length=200)


class IntelligenceLocationInput(serializers.Serializer):
    premises = _text(max_length=200)
    kind = serializers.ChoiceField(choices=Location.Kind.choices, default=Location.Kind.OTHER)
    address = _text(max_length=300)
    postcode = _text(max_length=10, help_text="Kept and flagged if malformed")

    def validate(self, attrs):
        if not any(attrs[name].strip() for name in ("premises", "address", "postcode")):
            raise serializers.ValidationError(
                {"premises": ["Enter the premises, the address or the postcode"]}
            )
        return attrs


class IntelligenceReportInput(serializers.Serializer):
    """The form of domain.md 4.2. Times in the future are refused; registrations, numbers and
    postcodes that are malformed are kept as typed and flagged on the entity."""

    observed_from = serializers.DateTimeField()
    observed_to = serializers.DateTimeField(required=False, allow_null=True, default=None)
    pattern = _text(max_length=300)
    place = _text(max_length=300)
    what_happened = serializers.CharField(allow_blank=True)
    children_mentioned = _text()
    provenance = serializers.ChoiceField(choices=Report.Provenance.choices)
    first_hand = serializers.BooleanField(required=False, default=False)
    who_else_knows = _text()
    risk_to_source = _text()
    people = IntelligencePersonInput(many=True, required=False, default=list)
    vehicles = IntelligenceVehicleInput(many=True, required=False, default=list)
    phones = IntelligencePhoneInput(many=True, required=False, default=list)
    handles = IntelligenceHandleInput(many=True, required=False, default=list)
    locations = IntelligenceLocationInput(many=True, required=False, default=list)


class IntelligenceHandleReportInput(serializers.Serializer):
    """3x5x2 grading (all three required), the police reference, the outcome (closes the
    report), the sanitised version and whether it is shared with partners; ``version`` is the
    report's version as read (a stale one is refused with 409 and nothing saved)."""

    version = serializers.IntegerField(min_value=1, help_text="The report's version as read")
    source_grade = serializers.ChoiceField(choices=Report.SourceGrade.choices)
    intelligence_grade = serializers.ChoiceField(choices=Report.IntelligenceGrade.choices)
    handling = serializers.ChoiceField(choices=Report.Handling.choices)
    police_reference = serializers.CharField(max_length=40, allow_blank=True)
    outcome = serializers.ChoiceField(
        choices=Report.Outcome.choices, required=False, allow_blank=True, default=""
    )
    sanitised = _text(help_text="The version partners may read")
    share = serializers.BooleanField(
        required=False, default=False, help_text="Share the sanitised version with partners"
    )


class IntelligenceConflict(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The version stored now")


STALE = (
    "Someone else changed this report's handling while you were working on it, so nothing was "
    "saved: read it again and send your handling with the version stored now"
)


# --- The viewset --------------------------------------------------------------------------------


class _Newest(pagination.CursorPagination):
    """Newest first: no COUNT, no OFFSET, and the cursor holds a time, never a name."""

    ordering = ("-submitted_at", "-id")
    page_size = 25


class IntelligenceReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Intelligence reports the signed-in user may see, newest first: police-only users every
    one, in full; a professional their own (what they submitted) and those police shared with
    partners (the sanitised version only). Every report returned is an audited view."""

    queryset = Report.objects.none()
    serializer_class = IntelligenceReportFullDetail
    pagination_class = _Newest

    def get_base_queryset(self):
        return Report.objects.select_related("submitted_by", "graded_by")

    def get_queryset(self):
        return access.scope(self.request.user, self.get_base_queryset())

    def get_object(self):
        return access.get_object_or_404(
            self.request, self.get_base_queryset(), pk=self.kwargs["pk"]
        )

    @extend_schema(responses={200: _ReportPage})
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        audit.record_view(request, page)
        rows = [_as_read(request.user, report, LIST_OUTPUT) for report in page]
        return self.get_paginated_response(rows)

    @extend_schema(responses={200: REPORT, 404: OpenApiResponse(description="Not in scope")})
    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        audit.record_view(request, [report])
        return Response(_as_read(request.user, report, DETAIL_OUTPUT))

    @extend_schema(
        request=IntelligenceReportInput,
        responses={
            201: REPORT,
            400: OpenApiResponse(description="Field errors; nothing saved"),
            403: OpenApiResponse(description="Not a role that passes on intelligence"),
        },
    )
    def create(self, request, *args, **kwargs):
        """Pass on intelligence, with the people, vehicles, phones, online handles and places
        it names (each recorded under its normalised key)."""
        if not access.has_role(request.user, policy.SUBMIT_ROLES):
            raise PermissionDenied
        data = IntelligenceReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["phones"] = [row["number"] for row in fields["phones"]]
        try:
            report = services.report_submit(by=request.user, **fields)
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        audit.record(request, AccessEvent.Action.CREATE, report)
        fresh = self.get_base_queryset().get(pk=report.pk)
        return Response(_as_read(request.user, fresh, DETAIL_OUTPUT), status=201)

    @extend_schema(
        request=IntelligenceHandleReportInput,
        responses={
            200: IntelligenceReportFullDetail,
            400: OpenApiResponse(description="Field errors; nothing saved"),
            404: OpenApiResponse(description="Not a report the user may handle (police-only)"),
            409: OpenApiResponse(IntelligenceConflict, description="Stale: nothing saved"),
        },
    )
    @route(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        """Grade and handle a report (police-only, D12)."""
        report = access.get_object_or_404(request, Report.objects.all(), pk=pk)
        if not access.check(request.user, policy.HANDLE, report):
            audit.record_denial(request, report)
            raise Http404
        data = IntelligenceHandleReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        try:
            police_services.report_handle(
                report=report, by=request.user, expected_version=fields.pop("version"), **fields
            )
        except police_services.StaleError:
            return conflict(STALE, report)
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        handled = self.get_base_queryset().get(pk=report.pk)
        audit.record(request, AccessEvent.Action.CHANGE, handled)
        return Response(IntelligenceReportFullDetail(handled).data)
