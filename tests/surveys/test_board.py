"""A closed survey's results on the 党务公开 board: the unit's managers publish a notice with the
number who took part and a link to the results page, never an answer or a name; an open survey's
results cannot be published, and publishing again changes the one notice."""

from __future__ import annotations

from services.openness.models import BoardItem
from services.surveys.models import Survey
from tenants.models import Institution
from tests.conftest import client_for

from .conftest import World, answers_for, build_survey


def _answer(inst: Institution, world: World, survey: Survey, count: int) -> None:
    for user in world.members[:count]:
        data = {f"q{pk}": value for pk, value in answers_for(survey, text="看板意见").items()}
        client_for(inst, user).post(f"/surveys/{survey.pk}/", data)


def test_the_managers_publish_a_closed_surveys_results_to_the_board(world: World, inst_a: Institution) -> None:
    survey = build_survey(world)
    _answer(inst_a, world, survey, 6)
    secretary = client_for(inst_a, world.secretary)
    refused = secretary.post(f"/surveys/manage/{survey.pk}/publish/", follow=True).content.decode()
    assert "意见征集结束后才能公开结果" in refused and not BoardItem.objects.exists()
    assert secretary.post(f"/surveys/manage/{survey.pk}/close/").status_code == 302
    page = secretary.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "公开征集结果" in page
    assert secretary.post(f"/surveys/manage/{survey.pk}/publish/").status_code == 302
    assert secretary.post(f"/surveys/manage/{survey.pk}/publish/").status_code == 302  # the same notice
    item = BoardItem.objects.get()
    assert (item.kind, item.unit_id) == (BoardItem.Kind.SURVEY_RESULTS, world.branch.pk)
    assert survey.title in item.title and "共 6 人参与" in item.body
    assert item.link == f"/surveys/{survey.pk}/results/"
    assert "看板意见" not in item.body and "sv_member" not in item.body
    assert "查看党务公开" in secretary.get(f"/surveys/{survey.pk}/results/").content.decode()
    board = client_for(inst_a, world.members[0]).get("/openness/").content.decode()
    assert survey.title in board


def test_a_member_cannot_publish_results(world: World, inst_a: Institution) -> None:
    survey = build_survey(world)
    client_for(inst_a, world.secretary).post(f"/surveys/manage/{survey.pk}/close/")
    assert client_for(inst_a, world.members[0]).post(f"/surveys/manage/{survey.pk}/publish/").status_code == 404
    assert not BoardItem.objects.exists()
