"""Factories for test data inside an institution's schema (call them under ``in_schema``)."""

from __future__ import annotations

import random
from datetime import date

import factory

from services.accounts.models import User
from services.crypto import blind_index
from services.members import national_id as national_id_rules
from services.members.fake_ids import fake_national_id
from services.members.models import Member
from services.organization.models import OrgUnit

PASSWORD = "Test-pass-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试支部{n}")
    kind = OrgUnit.Kind.BRANCH
    path = ""

    @factory.post_generation
    def set_path(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.path = f"{self.parent.path if self.parent else ''}{self.pk}."
            self.save(update_fields=["path"])


_rng = random.Random(42)


_issued: set[str] = set()


def _national_id() -> str:
    """A valid, random ID number never issued before in this process: the random space is small
    enough (about 150,000 numbers) that a test creating 50 members hit a duplicate now and then."""
    while True:
        number = fake_national_id(_rng, date(1990, 1, 1 + _rng.randrange(28)), male=_rng.random() < 0.5)
        if number not in _issued:
            _issued.add(number)
            return number


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Faker("name", locale="zh_CN")
    national_id = factory.LazyFunction(_national_id)
    # Consistent with the ID number, as the importer and the services check.
    gender = factory.LazyAttribute(lambda m: national_id_rules.gender(m.national_id))
    birth_date = factory.LazyAttribute(lambda m: national_id_rules.birth_date(m.national_id))
    national_id_index = factory.LazyAttribute(lambda m: blind_index(m.national_id))
    category = Member.Category.FACULTY
    branch = factory.SubFactory(OrgUnitFactory)
