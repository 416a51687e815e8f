"""Fixtures of the document tests: a private storage root per test (tests/support/media.py), a
small org tree with people, and generated files of every supported kind."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from services.accounts.models import User
from tenants.models import Institution
from tests.conftest import in_schema
from tests.factories import UserFactory
from tests.members.helpers import Tree, build_tree, person
from tests.support.media import private_media, real_media  # noqa: F401 (fixtures for this package)


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
