"""Fixtures of the document tests: a private storage root per test, a small org tree with
people, and generated files of every supported kind."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from services.accounts.models import User
from services.storage.backends import get_storage
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import UserFactory
from tests.members.helpers import Tree, build_tree, person


@pytest.fixture(autouse=True)
def private_media(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> Iterator[Path]:
    """Each test stores its objects under its own root (tests run in parallel and roll back their
    rows, so a shared root would collect their files). A test that needs a worker process, which
    reads the deployment's root, asks for the ``real_media`` fixture."""
    if "real_media" in request.fixturenames:
        yield Path(settings.MEDIA_ROOT)
        return
    settings.MEDIA_ROOT = tmp_path / "media"
    get_storage.cache_clear()
    yield tmp_path / "media"
    get_storage.cache_clear()


@pytest.fixture
def real_media() -> None:
    """Keep the deployment's storage root (see ``private_media``)."""


@dataclass
class World:
    tree: Tree
    admin: User  # the whole institution
    secretary_x: User
    member_x: User
    secretary_y: User
    member_y: User
    college_admin: User  # organization commissioner of the college committee
    member_z: User


def build_world(prefix: str = "") -> World:
    """Call inside a schema."""
    from services.organization.models import Position

    tree = build_tree()
    return World(
        tree=tree,
        admin=UserFactory(username=f"{prefix}doc_admin", is_superuser=True),
        secretary_x=person(tree.branch_x, f"{prefix}sec_x", Position.Kind.SECRETARY),
        member_x=person(tree.branch_x, f"{prefix}mem_x"),
        secretary_y=person(tree.branch_y, f"{prefix}sec_y", Position.Kind.SECRETARY),
        member_y=person(tree.branch_y, f"{prefix}mem_y"),
        college_admin=person(tree.college, f"{prefix}col_org", Position.Kind.ORGANIZATION),
        member_z=person(tree.branch_z, f"{prefix}mem_z"),
    )


@pytest.fixture
def world(inst_a: Institution) -> World:
    with in_schema(inst_a):
        return build_world()
