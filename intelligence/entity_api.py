"""Entities and "children linked" alerts under /api/v1/ (issue 8, item 9), with the pages' rules
(D12), read through the same selectors as the pages.

``/api/v1/intelligence-entities/``: ``?q=`` (what was typed: a registration, a phone number, a
username or profile link, a name or alias, a postcode), normalised and looked up by key, and
``?kind=`` (person, place, vehicle, phone, handle) to keep to one kind. Finding entities is for
police-only users, as the search page is: for everyone else, and without ``q``, the list is
empty. One entity is read by its reference, its kind and id: ``/api/v1/intelligence-entities/
vehicle-12/``, with its likely-same entities, the entities and the children linked to it as
the caller may see them (intelligence.entity_selectors.view_of): police-only users everything;
Shield team managers, service managers and a Shield worker allocated to a linked child the
entity only if something of it is not police-only, without what rests on police-only
intelligence (``possible_link`` then says "Possible link - contact police"); everyone else 404,
the denial audited. Every entity and child returned is an audited view.

``/api/v1/intelligence-alerts/``: the alerts the caller may see, newest first, each as the
alert page shows it (intelligence.policy.alert_view_of): in full, the children and the entity,
or only "Possible link - contact police"; an alert out of scope is a 404, audited."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, pagination, serializers, viewsets
from rest_framework.response import Response

from cse_framework import access
from cse_framework.audit import services as audit
from intelligence import alert_selectors, entity_kinds, entity_selectors, policy
from intelligence.alerts import POSSIBLE_LINK
from intelligence.api import (
    IntelligenceHandleOutput,
    IntelligenceLocationOutput,
    IntelligencePersonOutput,
    IntelligencePhoneOutput,
    IntelligenceVehicleOutput,
)
from intelligence.models import LinkAlert, Location, OnlineHandle, Person, Phone, Vehicle

KIND_CHOICES = list(entity_kinds.SLUGS)
REF = r"(?:person|place|vehicle|phone|handle)-[0-9]+"
KIND_HELP = "person, place, vehicle, phone or handle"

# --- Entities -----------------------------------------------------------------------------------


class _Ref(serializers.Serializer):
    ref = serializers.CharField(help_text='The entity\'s kind and id, e.g. "vehicle-12"')
    kind = serializers.CharField(help_text=KIND_HELP)
    id = serializers.IntegerField()
    display = serializers.CharField()


class IntelligenceEntityRow(_Ref):
    valid = serializers.BooleanField(help_text="False: kept as typed, and flagged")
    problem = serializers.CharField(allow_blank=True)


class IntelligenceEntityRef(_Ref):
    """Another entity (likely the same as this one)."""


class IntelligenceLinkedEntity(_Ref):
    relations = serializers.ListField(child=serializers.CharField())
    police_only = serializers.BooleanField(help_text="Every link to it is police-only (D12)")


class IntelligenceLinkedChild(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    police_only = serializers.BooleanField(help_text="Every link to it is police-only (D12)")


DETAILS = {
    Person: IntelligencePersonOutput,
    Location: IntelligenceLocationOutput,
    Vehicle: IntelligenceVehicleOutput,
    Phone: IntelligencePhoneOutput,
    OnlineHandle: IntelligenceHandleOutput,
}
ENTITY_DETAILS = PolymorphicProxySerializer(
    component_name="IntelligenceEntityDetails",
    serializers=list(DETAILS.values()),
    resource_type_field_name=None,
)


def _ref(model, pk, display) -> dict:
    return {
        "ref": entity_kinds.ref(model, pk),
        "kind": entity_kinds.SLUG_OF[model],
        "id": pk,
        "display": display,
    }


class IntelligenceEntityDetail(serializers.Serializer):
    """An entity as the caller may see it, with its connections."""

    ref = serializers.CharField()
    kind = serializers.CharField(help_text=KIND_HELP)
    id = serializers.IntegerField()
    display = serializers.CharField()
    valid = serializers.BooleanField()
    problem = serializers.CharField(allow_blank=True)
    view = serializers.ChoiceField(
        choices=[entity_selectors.FULL, entity_selectors.PARTNER],
        help_text="full: police-only users; partner: police-only links left out",
    )
    possible_link = serializers.CharField(
        allow_null=True,
        help_text=f'"{POSSIBLE_LINK}" when something left out rests on police-only '
        "intelligence; otherwise null",
    )
    details = serializers.SerializerMethodField()
    likely_same = IntelligenceEntityRef(many=True)
    linked_entities = IntelligenceLinkedEntity(many=True)
    children = IntelligenceLinkedChild(many=True)

    @extend_schema_field(ENTITY_DETAILS)
    def get_details(self, data) -> dict:
        entity = data["entity"]
        return DETAILS[type(entity)](entity).data


def _detail(found: entity_selectors.Profile) -> dict:
    entity = found.entity
    return {
        **_ref(type(entity), entity.pk, entity.display),
        "valid": entity.valid,
        "problem": entity.problem,
        "view": found.view,
        "possible_link": found.possible_link or None,
        "entity": entity,
        "likely_same": [_ref(o.model, o.pk, o.display) for o in found.likely],
        "linked_entities": [
            {
                **_ref(o.model, o.pk, o.display),
                "relations": o.how.split(", "),
                "police_only": o.police_only,
            }
            for o in found.entities
        ],
        "children": [
            {"id": row.child.pk, "name": str(row.child), "police_only": row.police_only}
            for row in found.children
        ],
    }


class IntelligenceEntityFilter(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    kind = serializers.ChoiceField(
        choices=KIND_CHOICES, required=False, allow_blank=True, default=""
    )


class IntelligenceEntityViewSet(viewsets.GenericViewSet):
    """People, places, vehicles, phones and online handles recorded by intelligence."""

    queryset = Vehicle.objects.none()
    serializer_class = IntelligenceEntityRow
    lookup_field = "ref"
    lookup_value_regex = REF

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description="What was typed (a registration, a phone number, a username or "
                "profile link, a name or alias, a postcode), looked up by its normalised key. "
                "Without it the list is empty.",
            ),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=KIND_CHOICES, description="One kind"),
        ],
        responses={
            200: IntelligenceEntityRow(many=True),
            400: OpenApiResponse(description="An unknown kind"),
        },
    )
    def list(self, request, *args, **kwargs):
        """Find entities by what was typed (police-only users; empty for everyone else)."""
        given = IntelligenceEntityFilter(data=request.query_params)
        given.is_valid(raise_exception=True)
        text, kind = given.validated_data["q"].strip(), given.validated_data["kind"] or None
        if not (text and policy.sees_police_only(request.user)):
            self.paginate_queryset([])
            return self.get_paginated_response([])
        page = self.paginate_queryset(entity_selectors.search(text, kind=kind))
        found = [entity_selectors.Found(*row) for row in page]
        audit.record_view(request, [row.model(pk=row.pk) for row in found])
        rows = [
            {**_ref(row.model, row.pk, row.display), "valid": row.valid, "problem": row.problem}
            for row in found
        ]
        return self.get_paginated_response(IntelligenceEntityRow(rows, many=True).data)

    @extend_schema(
        responses={
            200: IntelligenceEntityDetail,
            404: OpenApiResponse(description="Missing, or not an entity the caller may see"),
        }
    )
    def retrieve(self, request, ref=None):
        """One entity by its reference ("vehicle-12"), with its connections as the caller may
        see them."""
        parsed = entity_kinds.parse_ref(ref)
        entity = parsed and entity_selectors.entity_get(entity_kinds.SLUG_OF[parsed[0]], parsed[1])
        if not entity:
            raise Http404
        view = entity_selectors.view_of(request.user, entity)
        if view is None:
            audit.record_denial(request, entity)
            raise Http404
        found = entity_selectors.profile(entity, view)
        audit.record_view(request, [entity, *(row.child for row in found.children)])
        return Response(IntelligenceEntityDetail(_detail(found)).data)


# --- Alerts -------------------------------------------------------------------------------------


class IntelligenceAlertChild(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class IntelligenceAlertOutput(serializers.Serializer):
    """A "children linked" alert as the caller may read it. ``view`` "possible": only the
    reference and the subject "Possible link - contact police", everything else null or empty."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    view = serializers.ChoiceField(choices=[policy.FULL, policy.SANITISED, policy.POSSIBLE])
    subject = serializers.CharField()
    raised_at = serializers.DateTimeField(allow_null=True)
    children = IntelligenceAlertChild(many=True)
    kind = serializers.CharField(allow_null=True, help_text='What is shared, e.g. "vehicle"')
    entity = IntelligenceEntityRef(allow_null=True)
    likely = serializers.BooleanField(
        allow_null=True, help_text="A likely-same match, not the same (police-only users)"
    )
    matched = IntelligenceEntityRef(
        allow_null=True, help_text="The likely-same entity (police-only users)"
    )
    police_only = serializers.BooleanField(
        allow_null=True, help_text="Rests on police-only intelligence (police-only users)"
    )


def _alert(row: alert_selectors.AlertRow) -> dict:
    alert, shown, full = row.alert, row.view != policy.POSSIBLE, row.view == policy.FULL
    return {
        "id": alert.pk,
        "reference": row.reference,
        "view": row.view,
        "subject": row.subject,
        "raised_at": alert.raised_at if shown else None,
        "children": [{"id": child.pk, "name": str(child)} for child in row.children],
        "kind": row.kind or None,
        "entity": _ref(*row.entity, row.entity_display) if row.entity else None,
        "likely": alert.likely if full else None,
        "matched": _ref(*row.matched, row.matched_display) if row.matched else None,
        "police_only": alert.police_only if full else None,
    }


class _NewestAlerts(pagination.CursorPagination):
    """Newest first: no COUNT, no OFFSET, and the cursor holds a time, never a name."""

    ordering = ("-raised_at", "-id")
    page_size = 25


def _audit(request, rows) -> None:
    """The children shown, and each alert shown only as "possible link" (about no child)."""
    masked = [row.alert for row in rows if row.view == policy.POSSIBLE]
    audit.record_view(request, [*alert_selectors.children_shown(rows), *masked])


class IntelligenceAlertViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """ "Children linked" alerts the caller may see, newest first (police-only users all of them
    in full; Shield team managers, service managers and the Shield worker of either child with
    police-only ones only as "Possible link - contact police")."""

    queryset = LinkAlert.objects.none()
    serializer_class = IntelligenceAlertOutput
    pagination_class = _NewestAlerts

    def get_queryset(self):
        return alert_selectors.alerts_for(self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = alert_selectors.alert_rows(request.user, page)
        _audit(request, rows)
        return self.get_paginated_response([_alert(row) for row in rows])

    @extend_schema(
        responses={
            200: IntelligenceAlertOutput,
            404: OpenApiResponse(description="Missing, or not an alert the caller may see"),
        }
    )
    def retrieve(self, request, pk=None):
        alert = access.get_object_or_404(
            request,
            LinkAlert.objects.select_related(
                "first_child", "second_child", "entity_type", "matched_type"
            ),
            pk=pk,
        )
        rows = alert_selectors.alert_rows(request.user, [alert])
        _audit(request, rows)
        return Response(_alert(rows[0]))
