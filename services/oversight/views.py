"""An institution's own dashboard (its host): the same drill-down the committee sees of it —
colleges, then branches — from the same public facts, for the institution's administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from services.organization.models import OrgUnit
from services.organization.scope import scope_for
from tenants.models import Institution

from . import dashboard_web as web


@login_required
@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).everything:
        raise PermissionDenied(_("只有学校管理员可以查看本校党建看板。"))
    institution = getattr(connection, "tenant", None)
    if not isinstance(institution, Institution):  # the routing sets it on every institution's host
        raise PermissionDenied
    # On its own host the institution's units are named from its own tree (the facts hold ids only).
    names = dict(OrgUnit.objects.values_list("path", "name"))
    return web.school_response(request, institution, template="oversight/dashboard.html", names=names)
