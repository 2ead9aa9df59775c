"""API for the child register: the same selectors, access mechanism and audit as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cse_framework import access
from cse_framework.api import AuditedReadMixin
from referrals import policy, services
from referrals.forms import PERSON_FIELDS, MarfForm
from referrals.models import Child, Ethnicity, Marf, MarfPerson, Referral


class ChildOutput(serializers.ModelSerializer):
    age = serializers.IntegerField(read_only=True)
    approaching_18 = serializers.BooleanField(read_only=True)
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Child
        fields = [
            "id",
            "given_names",
            "family_name",
            "aliases",
            "date_of_birth",
            "date_of_birth_estimated",
            "age",
            "approaching_18",
            "gender",
            "ethnicity",
            "disability",
            "special_educational_needs",
            "learning_disability",
            "postcode",
            "school",
            "care_status",
            "legal_status",
            "placing_authority",
            "merged_into",
        ]


class ChildViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Children on the register that the signed-in user may see. Every child returned is audited."""

    serializer_class = ChildOutput
    queryset = Child.objects.none()

    def get_base_queryset(self):
        return Child.objects.prefetch_related("aliases")


class ReferralOutput(serializers.ModelSerializer):
    referrer_agency = serializers.StringRelatedField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "status",
            "child_given_names",
            "child_family_name",
            "child_date_of_birth",
            "child_postcode",
            "child_social_care",
            "referrer_agency",
            "referrer_name",
            "emergency",
            "level_of_concern",
            "review_urgently",
            "circumstances",
            "submitted_at",
            "received_at",
            "received_by",
            "decision",
            "has_marf",
        ]

    has_marf = serializers.SerializerMethodField()

    def get_has_marf(self, referral) -> bool:
        return hasattr(referral, "marf")


class MarfPersonInput(serializers.ModelSerializer):
    class Meta:
        model = MarfPerson
        fields = ["kind", *PERSON_FIELDS]


class MarfInput(serializers.ModelSerializer):
    """The MARF, required with the CSE1 unless the child's case is open."""

    people = MarfPersonInput(many=True, required=False)
    parents_consented = serializers.BooleanField(allow_null=True)

    class Meta:
        model = Marf
        fields = [*MarfForm.Meta.fields, "people"]


class ReferralInput(serializers.Serializer):
    """A new CSE1, saved as a draft (the same rules as the form), with its MARF where needed."""

    child_given_names = serializers.CharField(max_length=100)
    child_family_name = serializers.CharField(max_length=100)
    child_other_names = serializers.CharField(max_length=300, required=False, default="")
    child_date_of_birth = serializers.DateField()
    child_date_of_birth_estimated = serializers.BooleanField(required=False, default=False)
    child_gender = serializers.ChoiceField(choices=Child.Gender.choices, default="not_known")
    child_ethnicity = serializers.ChoiceField(
        choices=Ethnicity.choices, required=False, default="", allow_blank=True
    )
    child_address = serializers.CharField(required=False, default="", allow_blank=True)
    child_postcode = serializers.CharField(max_length=10, required=False, default="")
    child_school = serializers.CharField(max_length=200, required=False, default="")
    child_disability = serializers.CharField(max_length=500, required=False, default="")
    child_social_care = serializers.ChoiceField(choices=Referral.SocialCare.choices)
    child_social_worker_name = serializers.CharField(max_length=200, required=False, default="")
    child_placing_authority = serializers.CharField(max_length=200, required=False, default="")
    referrer_phone = serializers.CharField(max_length=40, required=False, default="")
    referrer_job_title = serializers.CharField(max_length=200, required=False, default="")
    observations = serializers.CharField(required=False, default="", allow_blank=True)
    known_people = serializers.CharField(required=False, default="", allow_blank=True)
    known_vehicles = serializers.CharField(required=False, default="", allow_blank=True)
    known_places = serializers.CharField(required=False, default="", allow_blank=True)
    marf = MarfInput(required=False)
    emergency = serializers.BooleanField(required=False, default=False)
    level_of_concern = serializers.ChoiceField(choices=Referral.Concern.choices)
    models_of_exploitation = serializers.MultipleChoiceField(
        choices=Referral.Model.choices, required=False
    )
    consent = serializers.ChoiceField(choices=Referral.Consent.choices)
    consent_override_reason = serializers.CharField(required=False, default="", allow_blank=True)
    parents_aware = serializers.BooleanField()
    young_person_aware = serializers.BooleanField(required=False, allow_null=True, default=None)
    parents_not_told_reason = serializers.CharField(required=False, default="", allow_blank=True)
    circumstances = serializers.CharField()

    def validate_child_date_of_birth(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("Date of birth must be today or in the past")
        return value


def _errors(error: DjangoValidationError) -> dict | list:
    return error.message_dict if hasattr(error, "error_dict") else error.messages


class ReferralViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """CSE1 referrals the signed-in user may see (a referrer: their agency's only). Every
    referral returned is audited."""

    serializer_class = ReferralOutput
    queryset = Referral.objects.none()

    def get_base_queryset(self):
        return Referral.objects.select_related("referrer_agency", "marf")

    @extend_schema(request=ReferralInput, responses={201: ReferralOutput})
    def create(self, request, *args, **kwargs):
        access.require_roles(request.user, policy.LANDING_ROLES)
        data = ReferralInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {**data.validated_data}
        marf = fields.pop("marf", None)
        fields["models_of_exploitation"] = sorted(fields.get("models_of_exploitation", []))
        try:
            with transaction.atomic():
                referral = services.referral_draft_create(by=request.user, **fields)
                if marf is not None:
                    people = marf.pop("people", [])
                    services.marf_save(referral=referral, by=request.user, people=people, **marf)
        except DjangoValidationError as error:
            raise serializers.ValidationError(_errors(error)) from error
        return Response(ReferralOutput(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ReferralOutput})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a draft to MASH (receipt by D4); a second submit returns the same referral."""
        referral = access.get_object_or_404(request, Referral.objects.all(), pk=pk)
        if not (
            access.check(request.user, access.CHANGE, referral)
            or referral.status != Referral.Status.DRAFT
            and request.user.pk in (referral.referrer_id, referral.taken_by_id)
        ):
            raise Http404
        try:
            referral = services.referral_submit(referral=referral, by=request.user)
        except DjangoValidationError as error:
            raise serializers.ValidationError(_errors(error)) from error
        return Response(ReferralOutput(referral).data)
