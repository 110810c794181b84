"""``/docs`` is Swagger UI from this server: no script, style or image from elsewhere."""

from __future__ import annotations

import re

from .conftest import Api


def test_docs_page_loads_every_asset_from_this_server(api: Api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    urls = re.findall(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""", page.text)
    assert urls, page.text
    assert not [u for u in urls if u.startswith(("http:", "https:", "//"))], urls
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
        assert asset in urls
        answer = api.client.get(asset)
        assert answer.status_code == 200 and len(answer.content) > 10_000
    assert api.client.get("/redoc").status_code == 404  # ReDoc would need a CDN
