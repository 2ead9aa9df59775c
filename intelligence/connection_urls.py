"""Routes of a child's connections page (network and table)."""

from django.urls import path

from intelligence import connection_views as views

urlpatterns = [
    path(
        "children/<uuid:pk>/connections/",
        views.child_connections,
        name="child-connections",
    ),
]
