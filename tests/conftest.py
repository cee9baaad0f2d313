"""Fixtures: a fresh app per test on a real SQLite file, and on PostgreSQL when
``WEGOVNOW_TEST_DATABASE_URL`` is set (CI sets it)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from quart import Quart
from quart.testing import QuartClient

from server.accounts.auth import create_api_token
from server.accounts.models import User
from server.app import create_app
from server.core.db import activate
from server.demo import seed_categories, seed_departments
from server.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
POSTGRES_URL = os.environ.get("WEGOVNOW_TEST_DATABASE_URL", "")

DATABASES = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


async def reset_postgres(url: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        return POSTGRES_URL
    return f"sqlite://{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        public_url="http://localhost",
        rate_limits="off",
        vapid_subject="mailto:push-tests@wegovnow.example.org",
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Quart]:
    from server.core.db import is_postgres

    if is_postgres(settings.resolved_database_url):
        await reset_postgres(settings.resolved_database_url)
    application = create_app(settings)
    async with application.test_app():
        # Startup ran in another task; make the database current in this one too.
        activate(application.config["DB"])
        await seed_categories()
        await seed_departments()
        yield application


@dataclass
class Person:
    """A signed-in account and an HTTP client that sends its bearer token."""

    app: Quart
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def client(self) -> QuartClient:
        return self.app.test_client()

    async def get(self, path: str, **kwargs: Any) -> Any:
        return await self.client().get(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Any:
        return await self.client().post(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> Any:
        return await self.client().put(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)


async def make_person(app: Quart, role: str, name: str) -> Person:
    user = await User.create(id=uuid.uuid4(), name=name, role=role)
    token = await create_api_token(user)
    return Person(app, user, token)


@pytest.fixture
async def resident(app: Quart) -> Person:
    return await make_person(app, "resident", "Rita")


@pytest.fixture
async def other_resident(app: Quart) -> Person:
    return await make_person(app, "resident", "Otto")


@pytest.fixture
async def staff(app: Quart) -> Person:
    return await make_person(app, "staff", "Sam")


@pytest.fixture
async def other_staff(app: Quart) -> Person:
    return await make_person(app, "staff", "Stella")
