"""The CSE2 under /api/v1/ (D1-D3, D5): scoring schemes, which are reference data, and
assessments, read through the same access mechanism and audit as the pages, started as drafts,
saved and completed through shield.services. A stale save answers 409 and keeps nothing; a
completed CSE2 never changes (409, and the service audits the attempt)."""

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, pagination, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cse_framework import access
from cse_framework.accounts.models import Agency, User
from cse_framework.api import AuditedReadMixin, conflict, field_errors
from cse_framework.audit import services as audit
from referrals.models import Child
from shield import policy, services
from shield.assessment_selectors import with_people
from shield.models import (
    Assessment,
    AssessmentAttendee,
    Band,
    BandOverride,
    CategoryScore,
    Floor,
    MonitoringRecord,
    ScoringCategory,
    ScoringScheme,
)
from shield.models.assessment import REFUSED

# --- Scoring schemes --------------------------------------------------------------------------


class CategoryOutput(serializers.ModelSerializer):
    class Meta:
        model = ScoringCategory
        fields = [
            "number",
            "name",
            "guidance",
            "min_score",
            "max_score",
            "anchors",
            "evidence_required_above",
        ]


class BandOutput(serializers.ModelSerializer):
    class Meta:
        model = Band
        fields = ["code", "min_total", "max_total"]


class FloorOutput(serializers.ModelSerializer):
    description = serializers.CharField(source="describe", read_only=True)

    class Meta:
        model = Floor
        fields = ["rule", "age", "band", "description"]


class SchemeOutput(serializers.ModelSerializer):
    in_use = serializers.BooleanField(
        source="used", read_only=True, help_text="An assessment has used it, so it never changes"
    )
    maximum_total = serializers.IntegerField(read_only=True)
    categories = CategoryOutput(many=True, read_only=True)
    bands = BandOutput(many=True, read_only=True)
    floors = FloorOutput(many=True, read_only=True)

    class Meta:
        model = ScoringScheme
        fields = [
            "id",
            "code",
            "name",
            "version",
            "current",
            "in_use",
            "judgement_min",
            "judgement_max",
            "maximum_total",
            "notes",
            "created_at",
            "categories",
            "bands",
            "floors",
        ]


class NewestVersionFirst(pagination.CursorPagination):
    ordering = ("-version", "id")
    page_size = 25


class SchemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Versions of the CSE2 scoring scheme, the newest first: categories with their anchor text,
    bands and floors. Reference data about no child, so any signed-in user may read it."""

    serializer_class = SchemeOutput
    pagination_class = NewestVersionFirst
    queryset = ScoringScheme.objects.none()

    def get_queryset(self):
        used = Assessment.objects.filter(scheme=OuterRef("pk"))
        return ScoringScheme.objects.annotate(used=Exists(used)).prefetch_related(
            "categories", "bands", "floors"
        )


# --- Assessments: what is read ----------------------------------------------------------------


class ScoreOutput(serializers.ModelSerializer):
    category = serializers.IntegerField(source="category.number", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    anchor = serializers.SerializerMethodField(help_text="What the scheme says this score means")

    class Meta:
        model = CategoryScore
        fields = ["category", "category_name", "score", "anchor", "evidence"]

    def get_anchor(self, row) -> str:
        return row.category.anchor_for(row.score)


class AttendeeOutput(serializers.ModelSerializer):
    agency = serializers.StringRelatedField()

    class Meta:
        model = AssessmentAttendee
        fields = ["name", "agency", "role"]


class OverrideOutput(serializers.ModelSerializer):
    made_by = serializers.StringRelatedField()

    class Meta:
        model = BandOverride
        fields = ["band", "reason", "made_by", "made_at"]


class MonitoringOutput(serializers.ModelSerializer):
    referral_source = serializers.StringRelatedField()

    class Meta:
        model = MonitoringRecord
        exclude = ["id", "assessment"]


class PreviousOutput(serializers.ModelSerializer):
    """The child's previous completed CSE2, as the summary page compares it (2.6)."""

    class Meta:
        model = Assessment
        fields = ["id", "sequence", "assessed_on", "total", "band"]


class AssessmentOutput(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    scheme_code = serializers.CharField(source="scheme.code", read_only=True)
    maximum_total = serializers.IntegerField(source="scheme.maximum_total", read_only=True)
    lead_professional = serializers.StringRelatedField()
    created_by = serializers.StringRelatedField()
    completed_by = serializers.StringRelatedField()
    previous = PreviousOutput(read_only=True)
    corrected_by = serializers.SerializerMethodField(help_text="Later versions correcting it")
    overridden_band = serializers.SerializerMethodField(
        help_text="A Shield team manager's latest override of the band, shown beside it (D2)"
    )
    scores = ScoreOutput(many=True, read_only=True, source="score_list")
    attendees = AttendeeOutput(many=True, read_only=True, source="attendee_list")
    overrides = OverrideOutput(many=True, read_only=True, source="override_list")
    monitoring = MonitoringOutput(read_only=True, allow_null=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "reference",
            "child",
            "scheme",
            "scheme_code",
            "kind",
            "status",
            "sequence",
            "assessed_on",
            "reason",
            "lead_professional",
            "learning_disability",
            "disclosure",
            "judgement_score",
            "judgement_rationale",
            "young_person_views",
            "young_person_understanding",
            "willingness_to_engage",
            "views_not_sought_reason",
            "score_changed_after_views",
            "scores",
            "total",
            "maximum_total",
            "computed_band",
            "floor_band",
            "floor_reason",
            "band",
            "overridden_band",
            "overrides",
            "previous",
            "direction",
            "corrects",
            "corrected_by",
            "attendees",
            "monitoring",
            "created_by",
            "created_at",
            "completed_by",
            "completed_at",
            "version",
        ]

    def get_corrected_by(self, assessment) -> list[int]:
        return [correction.pk for correction in assessment.correction_list]

    def get_overridden_band(self, assessment) -> str | None:
        overrides = assessment.override_list
        return overrides[-1].band if overrides else None


# --- Assessments: what is written -------------------------------------------------------------


class StartInput(serializers.Serializer):
    """A new draft CSE2 with the current scheme; a correction names the completed version it
    corrects and starts as a copy of it."""

    child = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices)
    assessed_on = serializers.DateField()
    reason = serializers.CharField(required=False, default="", allow_blank=True)
    corrects = serializers.IntegerField(required=False, allow_null=True, default=None)

    def validate_assessed_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("The assessment date must be today or in the past")
        return value


class ScoreInput(serializers.Serializer):
    category = serializers.IntegerField(help_text="The category's number in the scheme")
    score = serializers.IntegerField(
        allow_null=True, min_value=0, max_value=100, help_text="null removes the score"
    )
    evidence = serializers.CharField(required=False, default="", allow_blank=True)


class MonitoringInput(serializers.ModelSerializer):
    """The data-monitoring answers the worker records (2.7); the rest is copied at completion."""

    class Meta:
        model = MonitoringRecord
        fields = list(services.MONITORING_ENTERED)


class AttendeeInput(serializers.ModelSerializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())

    class Meta:
        model = AssessmentAttendee
        fields = ["name", "agency", "role"]


class DraftInput(serializers.Serializer):
    """What was entered so far: only the fields sent change. ``version`` is the draft's version
    as it was read; ``attendees``, when sent, replace the list."""

    version = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices, required=False)
    assessed_on = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True)
    lead_professional = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )
    learning_disability = serializers.BooleanField(required=False)
    disclosure = serializers.BooleanField(required=False)
    judgement_score = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=100
    )
    judgement_rationale = serializers.CharField(required=False, allow_blank=True)
    young_person_views = serializers.CharField(required=False, allow_blank=True)
    young_person_understanding = serializers.CharField(required=False, allow_blank=True)
    willingness_to_engage = serializers.ChoiceField(
        choices=Assessment.Engagement.choices, required=False
    )
    views_not_sought_reason = serializers.CharField(required=False, allow_blank=True)
    score_changed_after_views = serializers.CharField(required=False, allow_blank=True)
    scores = ScoreInput(many=True, required=False)
    monitoring = MonitoringInput(required=False)
    attendees = AttendeeInput(many=True, required=False)

    validate_assessed_on = StartInput.validate_assessed_on


class CompleteInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The draft's version as it was read")


class Conflict(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The version stored now")


def _scores(assessment: Assessment, rows: list[dict]) -> dict[int, tuple[int | None, str]]:
    """The scores as the service takes them, by category number; a number the assessment's
    scheme does not have, or given twice, is a field error."""
    numbers = set(assessment.scheme.categories.values_list("number", flat=True))
    scores, errors = {}, []
    for row in rows:
        number = row["category"]
        if number not in numbers:
            errors.append(f"This CSE2's scheme has no category {number}")
        elif number in scores:
            errors.append(f"Category {number} is scored twice")
        else:
            scores[number] = (row["score"], row["evidence"])
    if errors:
        raise serializers.ValidationError({"scores": errors})
    return scores


STALE = (
    "Someone else saved this CSE2 while you were working on it, so nothing was saved: "
    "read it again and make your changes to the version stored now"
)
CONFLICT = OpenApiResponse(
    Conflict, description="Stale (nothing saved), or a completed CSE2 (it never changes)"
)


class AssessmentViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """CSE2 assessments the signed-in user may see (the children whose Shield records they may
    see), the most recently started first; every one returned is audited. ``?child=<id>`` lists
    one child's. Started, saved and completed by those who complete a CSE2."""

    serializer_class = AssessmentOutput
    queryset = Assessment.objects.none()

    def get_base_queryset(self):
        # The people come after the page is read, in one query (assessment_selectors.with_people):
        # joined here too, they cost PostgreSQL far more to plan than to read. The scheme is one
        # object shared by the page, its categories read once; the rows of each CSE2 are
        # prefetched as plain lists (to_attr), without a related manager's queryset built for
        # every CSE2.
        return Assessment.objects.select_related(
            "previous", "monitoring__referral_source"
        ).prefetch_related(
            Prefetch("scheme", queryset=ScoringScheme.objects.prefetch_related("categories")),
            Prefetch("scores", to_attr="score_list"),
            "score_list__category",
            Prefetch(
                "attendees",
                queryset=AssessmentAttendee.objects.select_related("agency"),
                to_attr="attendee_list",
            ),
            Prefetch(
                "overrides",
                queryset=BandOverride.objects.select_related("made_by"),
                to_attr="override_list",
            ),
            Prefetch("corrections", to_attr="correction_list"),
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return with_people(page) if page is not None else None

    def get_object(self):
        return with_people([super().get_object()])[0]

    def get_queryset(self):
        assessments = super().get_queryset()
        child = self.request.query_params.get("child")
        if self.action == "list" and child:
            try:
                assessments = assessments.filter(child_id=uuid.UUID(child))
            except ValueError as error:
                raise serializers.ValidationError(
                    {"child": "Not a child's record number"}
                ) from error
        return assessments

    @extend_schema(
        parameters=[
            OpenApiParameter("child", OpenApiTypes.UUID, description="Only this child's CSE2s")
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _output(self, assessment: Assessment, code: int = status.HTTP_200_OK) -> Response:
        fresh = with_people([self.get_base_queryset().get(pk=assessment.pk)])[0]
        return Response(AssessmentOutput(fresh).data, status=code)

    def _child(self, request, pk) -> Child:
        """A child whose Shield records the user may see; any other is a 404, like a missing
        one, and the refusal of one that exists is audited."""
        condition = policy.children_of(request.user)
        children = Child.objects.all() if condition is None else Child.objects.filter(condition)
        child = children.filter(pk=pk).first()
        if child is None:
            hidden = Child.objects.filter(pk=pk).first()
            if hidden is not None:
                audit.record_denial(request, hidden)
            raise Http404
        return child

    def _to_assess(self, request, pk) -> Assessment:
        """An assessment the user may see and may assess; otherwise 404, audited."""
        assessment = access.get_object_or_404(
            request, Assessment.objects.select_related("scheme"), pk=pk
        )
        if not access.check(request.user, policy.ASSESS, assessment):
            audit.record_denial(request, assessment)
            raise Http404
        return assessment

    @extend_schema(
        request=StartInput,
        responses={201: AssessmentOutput, 400: OpenApiResponse(description="Field errors")},
    )
    def create(self, request, *args, **kwargs):
        """Start a draft CSE2 for a child (or a correction of a completed version)."""
        access.require_roles(request.user, policy.ASSESS_ROLES)
        data = StartInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        child = self._child(request, fields["child"])
        corrects = None
        if fields["corrects"] is not None:
            corrects = Assessment.objects.filter(pk=fields["corrects"], child=child).first()
            if corrects is None:
                raise serializers.ValidationError(
                    {"corrects": ["Choose a completed CSE2 of this child to correct"]}
                )
        try:
            draft = services.assessment_start(
                child=child,
                kind=fields["kind"],
                by=request.user,
                assessed_on=fields["assessed_on"],
                reason=fields["reason"],
                corrects=corrects,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error, "corrects")) from error
        return self._output(draft, status.HTTP_201_CREATED)

    @extend_schema(
        request=DraftInput,
        responses={
            200: AssessmentOutput,
            400: OpenApiResponse(description="Field errors; nothing of this save is kept"),
            409: CONFLICT,
        },
    )
    def partial_update(self, request, pk=None):
        """Save a draft: the fields sent, scores by category number, data monitoring and
        attendees (the same as ``POST .../draft/``)."""
        return self._save_draft(request, pk)

    @extend_schema(
        request=DraftInput,
        responses={
            200: AssessmentOutput,
            400: OpenApiResponse(description="Field errors; nothing of this save is kept"),
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def draft(self, request, pk=None):
        """Save a draft (the same as ``PATCH``)."""
        return self._save_draft(request, pk)

    def _save_draft(self, request, pk) -> Response:
        assessment = self._to_assess(request, pk)
        if assessment.completed:
            # Whatever was sent: the service refuses any change to a completed CSE2 and
            # audits the attempt.
            try:
                services.assessment_save_draft(assessment=assessment, by=request.user)
            except DjangoValidationError:
                return conflict(REFUSED, assessment)
        data = DraftInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        scores = changes.pop("scores", None)
        monitoring = changes.pop("monitoring", None)
        attendees = changes.pop("attendees", None)
        try:
            saved = services.assessment_save_draft(
                assessment=assessment,
                by=request.user,
                expected_version=version,
                fields=changes,
                scores=_scores(assessment, scores) if scores is not None else None,
                monitoring=monitoring,
                attendees=attendees,
            )
        except services.StaleError:
            return conflict(STALE, assessment)
        except DjangoValidationError as error:
            if error.messages == [REFUSED]:  # completed by someone else meanwhile
                return conflict(REFUSED, assessment)
            raise serializers.ValidationError(field_errors(error)) from error
        return self._output(saved)

    @extend_schema(
        request=CompleteInput,
        responses={
            200: AssessmentOutput,
            400: OpenApiResponse(description="What is missing or wrong, field by field"),
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Score the draft and make it a version that never changes; it meets the child's CSE2
        clock and starts the 3-month review (D5). Completing it again answers the same
        version."""
        assessment = self._to_assess(request, pk)
        data = CompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            done = services.assessment_complete(
                assessment=assessment,
                by=request.user,
                expected_version=data.validated_data["version"],
            )
        except services.StaleError:
            return conflict(STALE, assessment)
        except DjangoValidationError as error:
            raise serializers.ValidationError(field_errors(error)) from error
        return self._output(done)
