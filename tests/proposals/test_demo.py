"""``wegovnow seed-demo`` gives a newcomer proposals to read, once."""

from __future__ import annotations

from quart import Quart

from server.demo import seed_demo
from server.proposals.models import Initiative, Issue, Unit
from tests.conftest import Person
from tests.helpers import pull_all


async def test_the_demo_has_an_issue_in_each_open_phase(app: Quart) -> None:
    await seed_demo(app.config["SETTINGS"])

    states = sorted(await Issue.all().values_list("state", flat=True))

    assert states == ["admission", "discussion", "verification", "voting"]


async def test_seeding_the_demo_again_adds_no_proposals(app: Quart) -> None:
    await seed_demo(app.config["SETTINGS"])
    counts = (await Unit.all().count(), await Initiative.all().count())

    await seed_demo(app.config["SETTINGS"])

    assert (await Unit.all().count(), await Initiative.all().count()) == counts


async def test_a_member_pulls_the_demo_issues_in_their_phase(resident: Person) -> None:
    await seed_demo(resident.app.config["SETTINGS"])

    records, _, _ = await pull_all(resident, "client-rita-demo")

    phases = {r["state"] for r in records.values() if "initiative_ids" in r}
    assert phases == {"admission", "discussion", "verification", "voting"}
