from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_membership_sensitive_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="name",
            field=models.CharField(blank=True, max_length=100, verbose_name="Tên"),
        ),
        # Tokens issued before fingerprints existed get an empty one and stop working: their
        # holders sign in again.
        migrations.AddField(
            model_name="apitoken",
            name="password_fingerprint",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="Tạo lúc"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="Hết hạn lúc"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="Dùng lần cuối"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="user",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE,
                related_name="api_tokens",
                to="accounts.user",
                verbose_name="Người dùng",
            ),
        ),
        migrations.AddIndex(
            model_name="apitoken",
            index=models.Index(fields=["user", "created_at"], name="apitoken_user_created_idx"),
        ),
    ]
