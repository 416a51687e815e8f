"""A closed survey's results on the 党务公开 board (公开征集结果): the managers of the survey's unit
publish a notice to the unit's members saying how many took part and linking to the results page,
where counts under the small-cell rule stay hidden. No answer and no name is copied to the board."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from services.openness.models import BoardItem
from services.openness.selectors import item_for_source
from services.openness.services import publish_item

from .models import Participation, Survey


def results_source_key(survey: Survey) -> str:
    return f"surveys:results:{survey.pk}"


def results_item(survey: Survey) -> BoardItem | None:
    """The notice published for this survey's results (not withdrawn), if any."""
    return item_for_source(kind=BoardItem.Kind.SURVEY_RESULTS, source_key=results_source_key(survey))


def survey_results_publish(*, acting_user: Any, survey: Survey) -> BoardItem:
    """Publish (or publish again) the results notice of a closed survey to its unit."""
    if survey.status != Survey.Status.CLOSED:
        raise ValidationError(_("意见征集结束后才能公开结果。"))
    taken_part = Participation.objects.filter(survey=survey).count()
    return publish_item(
        acting_user=acting_user,
        kind=BoardItem.Kind.SURVEY_RESULTS,
        unit=survey.unit,
        title=_("意见征集结果：%(title)s") % {"title": survey.title},
        body=_("%(unit)s的意见征集“%(title)s”已于 %(day)s 结束（%(mode)s），共 %(n)s 人参与。")
        % {
            "unit": survey.unit.name,
            "title": survey.title,
            "day": survey.closes_on.isoformat(),
            "mode": survey.get_mode_display(),
            "n": taken_part,
        },
        link=reverse("surveys:results", kwargs={"pk": survey.pk}),
        source_key=results_source_key(survey),
    )
