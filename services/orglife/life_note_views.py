"""组织生活会 records per participant: self-criticism, criticism raised, rectification."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.kernel.inputs import ascii_int
from services.kernel.web import run_and_redirect
from services.members.models import Member

from . import life_notes, minutes_selectors
from .models import LifeMeetingNote, Meeting


class LifeNoteForm(forms.Form):
    self_criticism = forms.CharField(
        label=gettext_lazy("自我批评"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    criticism_received = forms.CharField(
        label=gettext_lazy("批评意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    rectification = forms.CharField(
        label=gettext_lazy("整改措施"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


def writable_meeting(request: HttpRequest, pk: int) -> Meeting:
    """The meeting whose record the user writes: a 404 if they do not see it, else a 403 if they
    may not write it (the API uses it too)."""
    try:  # the meetings whose minutes the user reads: its unit in scope, or on its list
        meeting = minutes_selectors.meeting_get(acting_user=request.user, pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None
    if not life_notes.can_write_life_notes(acting_user=request.user, meeting=meeting):
        raise PermissionDenied(_("只有会议记录人和支部管理者可以填写批评与自我批评记录。"))
    return meeting


@login_required
def life_notes_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = writable_meeting(request, pk)
    if request.method == "POST":
        member = Member.objects.filter(pk=ascii_int(request.POST.get("member", "")) or 0).first()
        form = LifeNoteForm(request.POST, prefix=f"p{member.pk}" if member else None)
        if member is None or not form.is_valid():
            messages.error(request, _("请选择一名参会党员，每项不超过 5000 字。"))
            return redirect("orglife_life:notes", pk=pk)
        return run_and_redirect(
            request,
            lambda: life_notes.life_note_save(
                acting_user=request.user, meeting=meeting, member=member, **form.cleaned_data
            ),
            to=f"{request.path}#p{member.pk}",
            success=_("已保存 %(name)s 的记录。") % {"name": member.name},
        )
    rows = [
        (person, LifeNoteForm(initial=_initial(note), prefix=f"p{person.member_id}"), note)
        for person, note in life_notes.life_notes(meeting=meeting)
    ]
    return render(request, "orglife/life_notes.html", {"meeting": meeting, "rows": rows})


def _initial(note: LifeMeetingNote | None) -> dict[str, str] | None:
    return {field: getattr(note, field) for field in life_notes.FIELDS} if note else None
