from django.db import migrations, models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat


def name_old_reads(apps, schema_editor):
    """Reads logged before requests were named: each is its own line of the log."""
    ChildRead = apps.get_model("children", "ChildRead")
    ChildRead.objects.filter(request_id="").update(
        request_id=Concat(Value("read-"), Cast("id", CharField()))
    )


class Migration(migrations.Migration):
    dependencies = [("children", "0002_redundant_indexes_dropped")]

    operations = [
        migrations.AddField(
            model_name="childread",
            name="request_id",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(name_old_reads, migrations.RunPython.noop, elidable=True),
    ]
