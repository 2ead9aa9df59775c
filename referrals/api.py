"""API for the child register: the same selectors, access mechanism and audit as the pages."""

from rest_framework import mixins, pagination, serializers, viewsets

from cse_framework import access
from cse_framework.audit.services import record_view
from referrals import selectors
from referrals.models import Child


class ChildOutput(serializers.ModelSerializer):
    class Meta:
        model = Child
        fields = ["id", "given_names", "family_name", "date_of_birth", "gender", "postcode"]


class ChildCursorPagination(pagination.CursorPagination):
    """Cursor pagination by when the child was added: no COUNT, no OFFSET, and the cursor holds
    a timestamp, never a name."""

    ordering = ("-created_at", "id")
    page_size = 25


class ChildViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Children on the register that the signed-in user may see. Every child returned is audited."""

    serializer_class = ChildOutput
    pagination_class = ChildCursorPagination
    queryset = Child.objects.none()

    def get_queryset(self):
        return selectors.child_list(user=self.request.user)

    def get_object(self):
        child = access.get_object_or_404(self.request, Child.objects.all(), pk=self.kwargs["pk"])
        record_view(self.request, [child])
        return child

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        record_view(self.request, page if page is not None else queryset)
        return page
