"""``/docs``: Swagger UI served from this process, never from a CDN.

FastAPI's default page loads Swagger UI's script and stylesheet from a CDN at
run time; the assets here come from the ``swagger-ui-py`` package (Swagger UI 5,
which reads OpenAPI 3.1), installed with copytrade. ReDoc has no such package,
so ``/redoc`` is off; ``/openapi.json`` is the contract either way.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS = "/docs"
ASSETS = "/docs/assets"


def swagger_assets() -> Path:
    return Path(str(files("swagger_ui") / "static"))


def install_docs_page(app: FastAPI) -> None:
    app.mount(ASSETS, StaticFiles(directory=swagger_assets()), name="docs-assets")

    @app.get(DOCS, include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title}: API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )
