from datetime import UTC, datetime

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# People from before this build: seen when their latest session or synced device was.
# Sessions are deleted 90 days after their last use, and a sync client is only a
# device that synced, so this is a lower bound.
LATEST_KNOWN = (
    "UPDATE users SET last_seen_at = (SELECT MAX(known.seen) FROM ("
    " SELECT user_id, last_seen_at AS seen FROM sessions"
    " UNION ALL SELECT user_id, last_seen_at AS seen FROM sync_clients"
    ") AS known WHERE known.user_id = users.id)"
)


async def seen_at_upgrade(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    """Mark seen at the upgrade whoever may have been around unrecorded.

    API tokens record no use: a member whose script or app signs in by token only
    may have been here an hour ago. Members of whom nothing is known (their sessions
    expired) may have been active 90 to 180 days ago, still within the default time
    to live. Counting them from the upgrade gives them the benefit of the doubt:
    a member wrongly left out of a quorum or a count cannot be put back, whereas
    one wrongly kept drops out one time to live later unless seen again.
    """
    client = schema_editor.client
    mark = "$1" if client.capabilities.dialect == "postgres" else "?"
    await client.execute_query(
        f"UPDATE users SET last_seen_at = {mark} WHERE last_seen_at IS NULL OR id IN"
        " (SELECT user_id FROM api_tokens WHERE revoked_at IS NULL)",
        [datetime.now(UTC)],
    )


class Migration(migrations.Migration):
    dependencies = [('models', '0002_departments')]

    initial = False

    operations = [
        ops.AddField(
            model_name='User',
            name='last_seen_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunSQL(LATEST_KNOWN, reverse_sql=ops.RunSQL.noop),
        ops.RunPython(seen_at_upgrade, reverse_code=ops.RunPython.noop),
    ]
