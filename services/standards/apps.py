import time
from datetime import timedelta

from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "services.standards"
    label = "standards"
    verbose_name = "标准化建设"

    def ready(self) -> None:
        # Evidence files are stored under "<schema>/standards/<assessment>/<unix time>-..."
        # (workflow._key): `manage.py storage_sweep` finds those whose transaction rolled back.
        from services.storage.sweeper import Owner, register_owner

        from .models import Evidence

        def referenced_keys() -> set[str]:
            return set(Evidence.objects.exclude(storage_key="").values_list("storage_key", flat=True))

        def key_age(key: str) -> timedelta | None:
            stamp = key.rsplit("/", 1)[-1].split("-", 1)[0]
            return timedelta(seconds=max(0.0, time.time() - int(stamp))) if stamp.isdigit() else None

        register_owner(Owner(sub_prefix="standards", referenced_keys=referenced_keys, age_of=key_age))
