"""Routes for intelligence: hotspot (filled in by issue 8)."""

urlpatterns: list = []
