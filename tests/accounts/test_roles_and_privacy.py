from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

from quart import Quart

from server.accounts.auth import utcnow
from server.accounts.models import Invitation, User
from server.reports.models import Report
from tests.accounts.browsing import Browser
from tests.accounts.test_passkeys import push_report
from tests.conftest import Person, make_person
from tests.helpers import mutation, new_report_args, push


async def invitation(admin: Person, **body: object) -> str:
    response = await admin.post("/api/admin/invitations", json=body)
    assert response.status_code == 201, await response.get_data(as_text=True)
    return (await response.get_json())["invitation"]  # type: ignore[no-any-return]


async def test_an_invitation_makes_staff_with_departments_and_areas(app: Quart) -> None:
    admin = await make_person(app, "admin", "Ada")
    secret = await invitation(admin, departments=["roads"], areas=["centro"])

    staff = await Browser(app).sign_up("Sam", invitation=secret)

    assert staff["role"] == "staff"
    assert staff["departments"] == ["roads"] and staff["areas"] == ["centro"]


async def test_an_invitation_is_used_once(app: Quart) -> None:
    admin = await make_person(app, "admin", "Ada")
    secret = await invitation(admin)
    await Browser(app).sign_up("Sam", invitation=secret)

    again = await Browser(app).post(
        "/api/auth/passkeys/register/options", {"invitation": secret}
    )

    assert again.status_code == 400


async def test_an_expired_invitation_is_refused(app: Quart) -> None:
    admin = await make_person(app, "admin", "Ada")
    secret = await invitation(admin)
    await Invitation.all().update(expires_at=utcnow() - timedelta(seconds=1))

    response = await Browser(app).post(
        "/api/auth/passkeys/register/options", {"invitation": secret}
    )

    assert response.status_code == 400


async def test_staff_sign_up_needs_user_verification(app: Quart) -> None:
    admin = await make_person(app, "admin", "Ada")
    secret = await invitation(admin)
    browser = Browser(app)
    browser.authenticator.user_verification = False
    options = await browser.registration_options(name="Sam", invitation=secret)

    response = await browser.post(
        "/api/auth/passkeys/register/verify",
        {"credential": browser.authenticator.create(options)},
    )

    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert response.status_code == 400
    assert not await User.filter(role="staff").exists()


async def test_only_admins_invite_and_assign_roles(
    app: Quart, staff: Person, resident: Person
) -> None:
    admin = await make_person(app, "admin", "Ada")

    by_staff = await staff.post("/api/admin/invitations", json={})
    assigned = await admin.put(
        f"/api/admin/users/{resident.user.id}/role", json={"role": "volunteer"}
    )
    by_resident = await resident.put(
        f"/api/admin/users/{resident.user.id}/role", json={"role": "admin"}
    )

    assert by_staff.status_code == 403 and by_resident.status_code == 403
    assert assigned.status_code == 200
    assert (await User.get(id=resident.user.id)).role == "volunteer"


async def test_a_volunteer_sets_skills_home_area_and_radius(app: Quart) -> None:
    browser = Browser(app)
    await browser.sign_up()

    response = await browser.call(
        "PATCH",
        "/api/me",
        json={
            "skills": ["first aid"],
            "home": {"lat": 45.46, "lon": 9.19},
            "radius_m": 2000,
        },
    )
    me = await response.get_json()

    assert (
        me["skills"] == ["first aid"]
        and me["home"] == {"lat": 45.46, "lon": 9.19}
        and me["radius_m"] == 2000
    )


async def test_the_public_never_sees_who_reported_unless_they_chose_to(
    app: Quart, resident: Person
) -> None:
    anonymous = new_report_args()
    named = new_report_args(show_name=True)
    await push(
        resident,
        "client-rita-0001",
        [mutation(1, "report.create", anonymous), mutation(2, "report.create", named)],
    )

    listing = await (await app.test_client().get("/api/reports")).get_json()
    names = {f["id"]: f["properties"]["reporter_name"] for f in listing["features"]}

    assert names == {anonymous["id"]: None, named["id"]: "Rita"}


async def test_a_private_report_is_seen_only_by_its_reporter_and_staff(
    app: Quart, resident: Person, other_resident: Person, staff: Person
) -> None:
    args = new_report_args(private=True)
    await push(resident, "client-rita-0001", [mutation(1, "report.create", args)])

    public = await app.test_client().get(f"/api/reports/{args['id']}")
    other = await other_resident.get(f"/api/reports/{args['id']}")
    listing = await (await other_resident.get("/api/reports")).get_json()
    own = await resident.get(f"/api/reports/{args['id']}")
    city = await staff.get(f"/api/reports/{args['id']}")

    assert (public.status_code, other.status_code) == (404, 404)
    assert listing["features"] == []
    assert (own.status_code, city.status_code) == (200, 200)


async def test_a_person_downloads_all_their_data(app: Quart) -> None:
    browser = Browser(app)
    await browser.start_as_guest()
    report_id = await push_report(browser)
    await browser.sign_up("Rita")

    response = await browser.get("/api/me/export")
    data = await response.get_json()

    assert "attachment" in response.headers["Content-Disposition"]
    assert data["account"]["name"] == "Rita"
    assert [r["id"] for r in data["reports"]] == [report_id]
    assert len(data["passkeys"]) == 1 and data["recovery_codes_left"] == 10
    assert [c["id"] for c in data["records"]["sync_clients.user"]] == [
        "client-guest-001"
    ]


async def test_the_export_holds_what_other_modules_keep_about_the_person(
    app: Quart,
) -> None:
    from tests.proposals.builders import make_place

    browser = Browser(app)
    await browser.sign_up("Rita")
    place = await make_place()
    await browser.post(
        "/api/proposals/initiatives",
        {
            "area_id": str(place.area.id),
            "policy_id": str(place.policy.id),
            "name": "Trees",
            "content": "Plant",
        },
    )

    records = (await (await browser.get("/api/me/export")).get_json())["records"]

    assert len(records["proposal_initiators.member"]) == 1


async def test_deleting_an_account_keeps_public_reports_without_identity(
    app: Quart,
) -> None:
    browser = Browser(app)
    account = await browser.sign_up("Rita")
    public_id = await push_report(browser)
    private = new_report_args(private=True, show_name=True)
    await browser.post(
        "/api/sync/push",
        {
            "protocol": 1,
            "client_id": "client-guest-001",
            "mutations": [mutation(2, "report.create", private)],
        },
    )

    response = await browser.call("DELETE", "/api/me", json={"confirm": True})
    public = await Report.get(id=uuid.UUID(public_id))
    gone = await Report.get(id=uuid.UUID(private["id"]))

    assert response.status_code == 204
    assert not await User.exists(id=account["id"])
    assert public.reporter_id is None and public.deleted_at is None  # type: ignore[attr-defined]
    assert gone.deleted_at is not None and gone.reporter_id is None  # type: ignore[attr-defined]
    assert (await browser.get("/api/me")).status_code == 401


def test_the_first_admin_is_made_with_the_command(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "server.cli",
            "users",
            "create",
            "--role",
            "admin",
            "--name",
            "Ada",
            "--json",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env={"PATH": "/usr/bin:/bin", "WEGOVNOW_DATABASE_URL": ""},
    )

    created = json.loads(result.stdout)
    assert created["token"].startswith("wgn_") and "/signin/" in created["signin_url"]


async def test_a_withdrawn_invitation_stops_working(app: Quart) -> None:
    admin = await make_person(app, "admin", "Ada")
    secret = await invitation(admin)
    listed = await (await admin.get("/api/admin/invitations")).get_json()

    withdrawn = await admin.client().delete(
        f"/api/admin/invitations/{listed[0]['id']}", headers=admin.headers
    )
    used = await Browser(app).post(
        "/api/auth/passkeys/register/options", {"invitation": secret}
    )

    assert withdrawn.status_code == 204
    assert used.status_code == 400
