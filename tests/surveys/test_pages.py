"""The pages and the API: a member answers on the page (the form says it is anonymous), a second
answer is refused in Chinese, a manager builds and opens a survey, the API answers and refuses."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from services.surveys.models import Participation, PendingBallot, Question, Survey
from tenants.models import Institution
from tests.conftest import client_for

from .conftest import World, answers_for, build_survey


def _post_data(survey: Survey) -> dict[str, object]:
    return {f"q{pk}": value for pk, value in answers_for(survey, text="页面意见").items()}


def test_a_member_answers_an_anonymous_survey_once_on_the_page(world: World, inst_a: Institution) -> None:
    survey = build_survey(world)
    client = client_for(inst_a, world.members[0])
    listing = client.get("/surveys/").content.decode()
    assert survey.title in listing and "待填写" in listing
    page = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "匿名问卷" in page and "不记录您答了什么" in page
    response = client.post(f"/surveys/{survey.pk}/", _post_data(survey))
    assert response.status_code == 302
    assert Participation.objects.filter(survey=survey).count() == 1
    again = client.post(f"/surveys/{survey.pk}/", _post_data(survey), follow=True).content.decode()
    assert "您已经提交过" in again
    assert PendingBallot.objects.filter(survey=survey).count() == 1


def test_a_missing_answer_is_shown_next_to_its_question(world: World, inst_a: Institution) -> None:
    survey = build_survey(world)
    data = _post_data(survey)
    rating = Question.objects.get(section__survey=survey, kind=Question.Kind.RATING)
    del data[f"q{rating.pk}"]
    body = client_for(inst_a, world.members[0]).post(f"/surveys/{survey.pk}/", data).content.decode()
    assert "请回答这道必答题：请打分" in body
    assert not Participation.objects.filter(survey=survey).exists()


def test_a_manager_builds_and_opens_a_survey(world: World, inst_a: Institution) -> None:
    client = client_for(inst_a, world.secretary)
    today = timezone.localdate()
    response = client.post(
        "/surveys/manage/new/",
        {
            "title": "新问卷",
            "mode": "anonymous",
            "unit": world.branch.pk,
            "include_subunits": "on",
            "roles": ["full"],
            "opens_on": today.isoformat(),
            "closes_on": (today + timedelta(days=3)).isoformat(),
        },
    )
    survey = Survey.objects.get(title="新问卷")
    assert response.status_code == 302 and response["Location"].endswith(f"/surveys/manage/{survey.pk}/")
    client.post(f"/surveys/manage/{survey.pk}/sections/", {"title": "第一部分"})
    section = survey.sections.get()
    client.post(
        f"/surveys/manage/sections/{section.pk}/questions/",
        {"kind": "single", "text": "满意吗？", "options": "满意\n不满意", "required": "on"},
    )
    assert list(section.questions.get().options.values_list("text", flat=True)) == ["满意", "不满意"]
    client.post(f"/surveys/manage/{survey.pk}/open/")
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN
    assert "新问卷" in client.get("/surveys/manage/").content.decode()
    assert client_for(inst_a, world.members[0]).get(f"/surveys/manage/{survey.pk}/").status_code == 404


def test_results_page_and_export_after_close(world: World, inst_a: Institution) -> None:
    survey = build_survey(world)
    for user in world.members[:6]:
        client_for(inst_a, user).post(f"/surveys/{survey.pk}/", _post_data(survey))
    secretary = client_for(inst_a, world.secretary)
    assert secretary.post(f"/surveys/manage/{survey.pk}/close/").status_code == 302
    member = client_for(inst_a, world.members[0])
    page = member.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "<svg" in page and "页面意见" in page and "sv_member" not in page
    export = member.get(f"/surveys/{survey.pk}/results.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for(inst_a, world.outsider).get(f"/surveys/{survey.pk}/results/").status_code == 404


def test_the_api_answers_once_and_refuses_in_chinese(world: World, inst_a: Institution) -> None:
    survey = build_survey(world)
    client = client_for(inst_a, world.members[0])
    listed = client.get("/api/surveys/").json()
    assert [row["survey"]["id"] for row in listed] == [survey.pk]
    detail = client.get(f"/api/surveys/{survey.pk}/").json()
    assert len(detail["sections"][0]["questions"]) == 4
    answers = {str(k): v for k, v in answers_for(survey).items()}
    url = f"/api/surveys/{survey.pk}/answer/"
    assert client.post(url, {"answers": answers}, content_type="application/json").status_code == 201
    again = client.post(url, {"answers": answers}, content_type="application/json")
    assert again.status_code == 400 and "每人只能提交一次" in again.json()["detail"]
    forged = client_for(inst_a, world.members[1]).post(
        url, {"answers": {**answers, "999999": 1}}, content_type="application/json"
    )
    assert forged.status_code == 400 and "题目不属于" in forged.json()["detail"]
    outsider = client_for(inst_a, world.outsider).post(url, {"answers": answers}, content_type="application/json")
    assert outsider.status_code == 404
    assert client.get(f"/api/surveys/{survey.pk}/results/").status_code == 404  # open: managers only
    results = client_for(inst_a, world.secretary).get(f"/api/surveys/{survey.pk}/results/").json()
    assert results["respondents"] == 1 and results["hidden"] is True
