"""Routes for intelligence: export (filled in by issue 8)."""

urlpatterns: list = []
