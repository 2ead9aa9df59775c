"""MACSE routes: meeting (to be written)."""

urlpatterns: list = []
