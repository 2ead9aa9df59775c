"""Routes for intelligence: source (filled in by issue 8)."""

urlpatterns: list = []
