"""The API docs page works offline: Swagger UI comes from the package, not a CDN."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_docs_page_uses_local_swagger():
    html = Client().get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
