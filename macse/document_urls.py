"""MACSE routes: document (to be written)."""

urlpatterns: list = []
