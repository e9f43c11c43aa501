import uuid

from django.db import migrations, models


def create_version(apps, schema_editor):
    # Pages keep derived content per version: a database must start with one.
    apps.get_model("tracker", "ContentVersion").objects.create(pk=1, token=uuid.uuid4().hex)


class Migration(migrations.Migration):

    dependencies = [
        ('tracker', '0004_learning_plan'),
    ]

    operations = [
        migrations.CreateModel(
            name='ContentVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(create_version, migrations.RunPython.noop),
    ]
