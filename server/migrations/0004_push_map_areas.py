from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_user_last_seen')]

    initial = False

    operations = [
        ops.AddField(
            model_name='PushSubscription',
            name='map_areas',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='PushTopic',
            name='map_area',
            field=fields.CharField(null=True, max_length=36),
        ),
    ]
