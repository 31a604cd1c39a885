# The page version moved from this column to the cache (common/pagecache.py): an ordinary change
# no longer writes the organization's row.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_organization_revision"),
    ]

    operations = [
        migrations.RemoveField(model_name="organization", name="revision"),
    ]
