import pytest

pytestmark = pytest.mark.django_db


def test_home_needs_sign_in(client):
    """An anonymous visitor is sent to the sign-in page."""
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")
