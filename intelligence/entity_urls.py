"""Routes for intelligence: entity (filled in by issue 8)."""

urlpatterns: list = []
