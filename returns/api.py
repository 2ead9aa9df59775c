"""Kept quarterly returns under /api/v1/quarterly-returns/ (issue 9): each ready return's figures
as JSON, suppressed as every output is (D14), for the roles of the pages (``returns.policy``).
``?quarter=2026-Q1`` gives that quarter's versions, the latest first."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError

from cse_framework import access
from cse_framework.api import IsSignedIn
from returns import policy, selectors
from returns.quarters import Quarter
from returns.structure import Return
from returns.suppression import suppress


class CellOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField(
        allow_null=True, help_text="The count, or null where it is hidden (see shown)"
    )
    shown = serializers.CharField(help_text='The count as shown: a number, "<5" or "[c]"')
    suppressed = serializers.CharField(help_text='"", "primary" or "secondary" (D14)')


class RowOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField()
    version = serializers.IntegerField(help_text="The version of the figure's definition")
    total = CellOutput()
    cells = CellOutput(many=True)
    adds_up = serializers.BooleanField(help_text="Whether the categories split the total")


class SectionOutput(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    rows = RowOutput(many=True)


class FiguresOutput(serializers.Serializer):
    quarter = serializers.CharField()
    label = serializers.CharField()
    as_at = serializers.DateTimeField()
    suppressed = serializers.BooleanField()
    sections = SectionOutput(many=True)


class QuarterlyReturnOutput(serializers.Serializer):
    id = serializers.IntegerField()
    quarter = serializers.SerializerMethodField()
    version = serializers.IntegerField()
    area = serializers.CharField()
    built_at = serializers.DateTimeField()
    figures = serializers.SerializerMethodField()

    def get_quarter(self, kept) -> str:
        return kept.quarter.code

    @extend_schema_field(FiguresOutput)
    def get_figures(self, kept) -> dict:
        return suppress(Return.from_dict(kept.figures)).as_dict()


class MayReadReturns(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return access.has_role(request.user, policy.ROLES)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "quarter",
                OpenApiTypes.STR,
                description='Only this financial-year quarter\'s versions: "2026-Q1" (Q1 is '
                "April to June)",
            )
        ]
    )
)
class QuarterlyReturnViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Ready quarterly returns, the newest quarter and version first, with their figures."""

    serializer_class = QuarterlyReturnOutput
    permission_classes = [IsSignedIn, MayReadReturns]

    def get_queryset(self):
        returns = selectors.ready_returns()
        wanted = self.request.query_params.get("quarter")
        if self.action == "list" and wanted:
            try:
                quarter = Quarter.parse(wanted)
            except DjangoValidationError as error:
                raise ValidationError({"quarter": error.messages}) from error
            returns = returns.filter(year=quarter.year, number=quarter.number)
        return returns
