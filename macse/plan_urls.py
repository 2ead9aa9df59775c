"""MACSE routes: plan (to be written)."""

urlpatterns: list = []
