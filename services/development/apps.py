import time
from datetime import timedelta

from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "services.development"
    label = "development"
    verbose_name = "Development"

    def ready(self) -> None:
        # Dossier documents are stored under "<schema>/development/..." with the upload time first
        # in the name (services.dossier_document_key): `manage.py storage_sweep` finds the objects whose
        # transaction rolled back (an upload, or a transfer's copy, services/transfers/dossier_copy.py).
        from services.storage.sweeper import Owner, register_owner

        from .models import DossierDocument

        def referenced_keys() -> set[str]:
            return set(DossierDocument.objects.values_list("storage_key", flat=True))

        def key_age(key: str) -> timedelta | None:
            stamp = key.rsplit("/", 1)[-1].split("-", 1)[0]
            return timedelta(seconds=max(0.0, time.time() - int(stamp))) if stamp.isdigit() else None

        register_owner(Owner(sub_prefix="development", referenced_keys=referenced_keys, age_of=key_age))
