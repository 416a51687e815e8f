import time
from datetime import timedelta

from django.apps import AppConfig


class ThoughtReportsConfig(AppConfig):
    name = "services.thought_reports"
    label = "thought_reports"
    verbose_name = "思想汇报"

    def ready(self) -> None:
        # Attachments are stored under "<schema>/thought_reports/..." with the upload time first in
        # the name (services.attachment_key): `manage.py storage_sweep` finds the objects whose
        # transaction rolled back.
        from services.storage.sweeper import Owner, register_owner

        from .models import Attachment

        def referenced_keys() -> set[str]:
            return set(Attachment.objects.values_list("storage_key", flat=True))

        def key_age(key: str) -> timedelta | None:
            stamp = key.rsplit("/", 1)[-1].split("-", 1)[0]
            return timedelta(seconds=max(0.0, time.time() - int(stamp))) if stamp.isdigit() else None

        register_owner(Owner(sub_prefix="thought_reports", referenced_keys=referenced_keys, age_of=key_age))
