"""Departments: the list admins keep, and how it reaches staff devices.

Admins create, rename and retire departments here. Staff devices get the list in
their sync pull (entity ``department``), so triage offers it offline; residents never
see it. ``report.edit`` accepts only a listed, unretired department id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from quart import jsonify

from server.accounts.auth import Caller, require_admin, utcnow
from server.core.errors import Conflict, NotFound
from server.core.validation import parse_body
from server.reports.models import Department
from server.reports.routes import blueprint
from server.syncing.changelog import record_change
from server.syncing.registry import renderer

DEPARTMENT_ID = r"^[a-z0-9][a-z0-9_-]{0,63}$"
DEPARTMENTS_MAX = 200

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Names(Body):
    """A name per app language, as categories have; English is the fallback."""

    en: Name
    it: Name | None = None
    de: Name | None = None
    el: Name | None = None


class DepartmentCreate(Body):
    id: str = Field(pattern=DEPARTMENT_ID)
    names: Names


class DepartmentChange(Body):
    names: Names | None = None
    retired: bool | None = None


def department_json(department: Department) -> dict[str, Any]:
    return {
        "id": department.id,
        "names": department.names,
        "retired": department.retired_at is not None,
        "version": department.version,
    }


@blueprint.get("/api/admin/departments")
async def list_departments() -> Any:
    """Every department, retired ones too (admins only)."""
    require_admin()
    rows = await Department.all().order_by("id").limit(DEPARTMENTS_MAX)
    return jsonify([department_json(row) for row in rows])


@blueprint.post("/api/admin/departments")
async def create_department() -> Any:
    require_admin()
    body = await parse_body(DepartmentCreate)
    if await Department.exists(id=body.id):
        raise Conflict("departments.id_taken", {"id": body.id})
    if await Department.all().count() >= DEPARTMENTS_MAX:
        raise Conflict("departments.too_many", {"max": DEPARTMENTS_MAX})

    department = await Department.create(
        id=body.id, names=body.names.model_dump(exclude_none=True)
    )
    await record_change("department", department.id, department.version)
    return jsonify(department_json(department)), 201


@blueprint.patch("/api/admin/departments/<department_id>")
async def change_department(department_id: str) -> Any:
    """Rename (``names``), retire or bring back (``retired``) a department."""
    require_admin()
    body = await parse_body(DepartmentChange)
    department = await Department.get_or_none(id=department_id)
    if department is None:
        raise NotFound("departments.not_found", {"id": department_id[:64]})

    names = body.names.model_dump(exclude_none=True) if body.names else None
    retire = body.retired is not None and body.retired != (
        department.retired_at is not None
    )
    if (names is None or names == department.names) and not retire:
        return jsonify(department_json(department))
    if names is not None:
        department.names = names
    if retire:
        department.retired_at = utcnow() if body.retired else None
    department.version += 1
    await department.save()
    await record_change("department", department.id, department.version)
    return jsonify(department_json(department))


async def department_is_listed(
    cache: dict[str, Any], department_id: str
) -> bool | None:
    """True when listed and active, False when retired, None when unknown; the
    list is read once per push batch."""
    known: dict[str, bool] | None = cache.get("departments")
    if known is None:
        rows = await Department.all().values_list("id", "retired_at")
        known = {row_id: retired_at is None for row_id, retired_at in rows}
        cache["departments"] = known
    return known.get(department_id)


@renderer("department")
async def render_departments(
    ids: Sequence[str], caller: Caller
) -> dict[str, dict[str, Any] | None]:
    if not caller.is_staff:
        return dict.fromkeys(ids)
    rows = {d.id: department_json(d) for d in await Department.filter(id__in=list(ids))}
    return {department_id: rows.get(department_id) for department_id in ids}
