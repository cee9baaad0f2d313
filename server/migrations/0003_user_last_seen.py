from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_departments')]

    initial = False

    operations = [
        ops.AddField(
            model_name='User',
            name='last_seen_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        # People signed in before this build: seen when their latest session was.
        ops.RunSQL(
            "UPDATE users SET last_seen_at = (SELECT MAX(sessions.last_seen_at)"
            " FROM sessions WHERE sessions.user_id = users.id)",
            reverse_sql=ops.RunSQL.noop,
        ),
    ]
