"""API for the child register: the same selectors, access mechanism and audit as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cse_framework import access
from cse_framework.api import AuditedReadMixin
from referrals import policy, services
from referrals.models import Child, Referral


class ChildOutput(serializers.ModelSerializer):
    class Meta:
        model = Child
        fields = ["id", "given_names", "family_name", "date_of_birth", "gender", "postcode"]


class ChildViewSet(
    AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Children on the register that the signed-in user may see. Every child returned is audited."""

    serializer_class = ChildOutput
    queryset = Child.objects.none()

    def get_base_queryset(self):
        return Child.objects.all()


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
            "referrer_agency",
            "emergency",
            "level_of_concern",
            "review_urgently",
            "circumstances",
            "submitted_at",
            "received_at",
            "received_by",
            "decision",
        ]


class ReferralInput(serializers.Serializer):
    """A new CSE1, saved as a draft (the same rules as the form)."""

    child_given_names = serializers.CharField(max_length=100)
    child_family_name = serializers.CharField(max_length=100)
    child_date_of_birth = serializers.DateField()
    child_postcode = serializers.CharField(max_length=10, required=False, default="")
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
        return Referral.objects.select_related("referrer_agency")

    @extend_schema(request=ReferralInput, responses={201: ReferralOutput})
    def create(self, request, *args, **kwargs):
        access.require_roles(request.user, policy.LANDING_ROLES)
        data = ReferralInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {**data.validated_data}
        fields["models_of_exploitation"] = sorted(fields.get("models_of_exploitation", []))
        try:
            referral = services.referral_draft_create(by=request.user, **fields)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(ReferralOutput(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ReferralOutput})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a draft to MASH (receipt by D4); a second submit returns the same referral."""
        referral = access.get_object_or_404(request, Referral.objects.all(), pk=pk)
        if not (
            access.check(request.user, access.CHANGE, referral)
            or referral.status == Referral.Status.RECEIVED
            and referral.referrer_id == request.user.pk
        ):
            raise Http404
        try:
            referral = services.referral_submit(referral=referral, by=request.user)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(ReferralOutput(referral).data)
