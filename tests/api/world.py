"""A small, realistic institution for the API tests and the fuzzer: an org tree, a secretary and
a member with accounts, a dozen members, and what the capabilities' demo seeders add on top
(development dossiers, documents with read receipts, a branch vote, reminders, search entries).
Call inside a schema, inside the test's transaction."""

from __future__ import annotations

import random
from dataclasses import dataclass
from importlib import import_module

from services.accounts.models import User
from services.organization.models import Position
from tests.factories import MemberFactory
from tests.members.helpers import Tree, build_tree, person

# The seeders that work on any institution (transfers' demo letters need the demo codes).
SEEDERS = ("development", "documents", "votes", "reminders", "search")


@dataclass
class World:
    tree: Tree
    admin: User
    secretary: User
    member: User


def build_world() -> World:
    tree = build_tree()
    secretary = person(tree.branch_x, "secretary", Position.Kind.SECRETARY)
    member = person(tree.branch_x, "member")
    for branch in (tree.branch_x, tree.branch_y, tree.branch_z):
        MemberFactory.create_batch(4, branch=branch)
    for name in SEEDERS:
        import_module(f"services.{name}.demo_data").seed_institution(institution=None, rng=random.Random(7))
    admin = User.objects.get(username="admin")
    return World(tree=tree, admin=admin, secretary=secretary, member=member)
