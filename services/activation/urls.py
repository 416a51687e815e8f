"""Activation pages, mounted under /accounts/ next to sign-in (namespace "activation")."""

from __future__ import annotations

from . import urls_manage, urls_self

app_name = "activation"

urlpatterns = [*urls_self.urlpatterns, *urls_manage.urlpatterns]
