"""Routes of the entity pages: finding an entity, an entity's page (its kind by slug: person,
place, vehicle, phone, handle) and linking it to another by hand."""

from django.urls import path

from intelligence import entity_views as views

urlpatterns = [
    path("entities/", views.entity_search, name="entity-search"),
    path("entities/<slug:kind>/<int:pk>/", views.entity_detail, name="entity-detail"),
    path("entities/<slug:kind>/<int:pk>/link/", views.entity_link, name="entity-link"),
]
