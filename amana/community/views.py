from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amana.accounts.access import require_roles, with_keyring
from amana.accounts.models import Role
from amana.cases import selectors as cases
from amana.community import selectors, services
from amana.community.exports import spreadsheet_response
from amana.community.forms import (
    CATALOGUES,
    ActionPointCorrectionForm,
    ActionPointForm,
    ActivityCorrectionForm,
    ActivityForm,
    AttendanceForm,
    CatalogueEntryForm,
    ConcernForm,
    ForumCorrectionForm,
    ForumForm,
    ImportForm,
    MaterialForm,
    MemberCorrectionForm,
    MemberForm,
    MemberTrainingForm,
    MentorshipCorrectionForm,
    MentorshipForm,
    ReasonForm,
    ReviewForm,
    TeamForm,
    VisitOutcomeForm,
    VisitRequestForm,
    score_formset,
)
from amana.community.models import (
    STILL_OPEN,
    Activity,
    ActivityKind,
    Audience,
    CorrectionKind,
    Forum,
    Institution,
    PeaceTeam,
    Topic,
)
from amana.community.sheets import SheetRejected, read_attendance_sheet
from amana.vault import services as vault

PAGE_SIZE = 25
REVIEW_REFUSED = gettext_lazy(
    "This action point cannot be reviewed at this forum: it is closed, already reviewed here, or from a later forum."
)
programme_staff = require_roles(Role.ME_OFFICER)
# Forums, action points, trainings and events are recorded by the NGO's M&E officer and by peace teams.
recorders = require_roles(Role.ME_OFFICER, Role.CPT_MEMBER)


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# Overview


@require_GET
@recorders
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    action_points = selectors.action_points_for(request.user)  # type: ignore[arg-type]  # verified staff
    context = {
        "forum_count": selectors.forums_for(request.user).count(),  # type: ignore[arg-type]
        "open_count": action_points.filter(status__in=STILL_OPEN).count(),
        "overdue_count": action_points.filter(status__in=STILL_OPEN, due_on__lt=today).count(),
        "activity_count": selectors.activities_for(request.user).count(),  # type: ignore[arg-type]
    }
    return render(request, "community/overview.html", context)


# Forums


@require_GET
@recorders
def forum_list(request: HttpRequest) -> HttpResponse:
    forums = selectors.forums_for(request.user).select_related("organisation").prefetch_related("institutions")  # type: ignore[arg-type]
    return render(request, "community/forum_list.html", {"page": _page(request, forums)})


@require_http_methods(["GET", "POST"])
@recorders
def forum_create(request: HttpRequest) -> HttpResponse:
    form = ForumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        forum = services.create_forum(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("The forum is saved. Add its attendance, concerns and action points below."))
        return redirect("community:forum", forum.pk)
    context = {"form": form, "title": _("New Community Security Forum"), "submit": _("Save the forum")}
    return render(request, "community/form_page.html", context, status=400 if form.errors else 200)


def _forum_page(request: HttpRequest, forum: Forum, status: int = 200, **bound: Any) -> HttpResponse:
    """The forum page, with any form that failed shown again with its errors."""
    reviews = []
    for action_point in selectors.action_points_to_review(forum):
        done_here = next((r for r in action_point.reviews.all() if r.forum_id == forum.pk), None)
        form = bound.get(f"review_{action_point.pk}") or ReviewForm(
            prefix=f"review-{action_point.pk}", initial={"status": action_point.status}
        )
        reviews.append({"action_point": action_point, "done_here": done_here, "form": form})
    context = {
        "forum": forum,
        "planned": forum.held_on > timezone.localdate(),
        "attendance": selectors.attendance_table(forum),
        "concerns": forum.concerns.all(),
        "action_points": forum.action_points.current().select_related("owner"),
        "corrections": selectors.corrections_of(forum),
        "reviews": reviews,
        "concern_form": bound.get("concern_form") or ConcernForm(prefix="concern"),
        "action_point_form": bound.get("action_point_form") or ActionPointForm(prefix="action"),
    }
    return render(request, "community/forum_detail.html", context, status=status)


@require_GET
@recorders
def forum_detail(request: HttpRequest, forum_id: int) -> HttpResponse:
    return _forum_page(request, selectors.get_forum_for(request.user, forum_id))  # type: ignore[arg-type]


@require_POST
@recorders
def concern_add(request: HttpRequest, forum_id: int) -> HttpResponse:
    forum = selectors.get_forum_for(request.user, forum_id)  # type: ignore[arg-type]
    form = ConcernForm(request.POST, prefix="concern")
    if not form.is_valid():
        return _forum_page(request, forum, 400, concern_form=form)
    services.add_concern(actor=request.user, forum=forum, text=form.cleaned_data["text"])  # type: ignore[arg-type]
    messages.success(request, _("The concern is saved."))
    return redirect(reverse("community:forum", args=[forum.pk]) + "#concerns")


@require_POST
@recorders
def action_point_add(request: HttpRequest, forum_id: int) -> HttpResponse:
    forum = selectors.get_forum_for(request.user, forum_id)  # type: ignore[arg-type]
    form = ActionPointForm(request.POST, prefix="action")
    if not form.is_valid():
        return _forum_page(request, forum, 400, action_point_form=form)
    services.add_action_point(actor=request.user, forum=forum, **form.cleaned_data)  # type: ignore[arg-type]
    messages.success(request, _("The action point is saved. It will come up for review at the next forum."))
    return redirect(reverse("community:forum", args=[forum.pk]) + "#action-points")


@require_POST
@recorders
def action_point_review(request: HttpRequest, forum_id: int, action_point_id: int) -> HttpResponse:
    forum = selectors.get_forum_for(request.user, forum_id)  # type: ignore[arg-type]
    action_point = selectors.get_action_point_for(request.user, action_point_id)  # type: ignore[arg-type]
    form = ReviewForm(request.POST, prefix=f"review-{action_point.pk}")
    if not form.is_valid():
        return _forum_page(request, forum, 400, **{f"review_{action_point.pk}": form})
    try:
        services.review_action_point(actor=request.user, action_point=action_point, forum=forum, **form.cleaned_data)  # type: ignore[arg-type]
    except services.ReviewNotAllowed:
        form.add_error(None, REVIEW_REFUSED)
        return _forum_page(request, forum, 400, **{f"review_{action_point.pk}": form})
    messages.success(request, _("The review is saved."))
    return redirect(reverse("community:forum", args=[forum.pk]) + "#reviews")


# Action points across forums


@require_GET
@recorders
def action_point_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("show") == "all"
    action_points = selectors.action_points_for(request.user)  # type: ignore[arg-type]
    if not show_all:
        action_points = action_points.filter(status__in=STILL_OPEN)
    context = {"page": _page(request, action_points), "show_all": show_all, "today": timezone.localdate()}
    return render(request, "community/action_point_list.html", context)


@require_GET
@recorders
def action_point_detail(request: HttpRequest, action_point_id: int) -> HttpResponse:
    action_point = selectors.get_action_point_for(request.user, action_point_id)  # type: ignore[arg-type]
    context = {"action_point": action_point, "corrections": selectors.corrections_of(action_point)}
    return render(request, "community/action_point_detail.html", context)


@require_GET
@recorders
def action_point_export(request: HttpRequest, fmt: str) -> HttpResponse:
    action_points = selectors.action_points_for(request.user).prefetch_related("reviews")  # type: ignore[arg-type]
    header = [
        _("Forum date"),
        _("Forum place"),
        _("Action point"),
        _("Owner institution"),
        _("Due date"),
        _("Status"),
        _("Latest progress note"),
    ]
    rows = [
        [ap.forum.held_on, ap.forum.place, ap.text, ap.owner.label, ap.due_on, ap.get_status_display(), ap.latest_note]
        for ap in action_points
    ]
    return spreadsheet_response(filename="action-points", fmt=fmt, header=header, rows=rows)


# Trainings and awareness events


@require_GET
@recorders
def activity_list(request: HttpRequest) -> HttpResponse:
    activities = selectors.activities_for(request.user).prefetch_related("topics")  # type: ignore[arg-type]
    return render(request, "community/activity_list.html", {"page": _page(request, activities)})


@require_http_methods(["GET", "POST"])
@recorders
def activity_create(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None, initial={"kind": request.GET.get("kind", ActivityKind.TRAINING)})
    if request.method == "POST" and form.is_valid():
        activity = services.create_activity(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("The activity is saved. Add its attendance below."))
        return redirect("community:activity", activity.pk)
    context = {"form": form, "title": _("New training or awareness event"), "submit": _("Save the activity")}
    return render(request, "community/form_page.html", context, status=400 if form.errors else 200)


def _activity_page(request: HttpRequest, activity: Activity, status: int = 200, **bound: Any) -> HttpResponse:
    context = {
        "activity": activity,
        "corrections": selectors.corrections_of(activity),
        "attendance": selectors.attendance_table(activity),
        "summary": selectors.score_summary(activity),
        "material_form": bound.get("material_form") or MaterialForm(),
    }
    return render(request, "community/activity_detail.html", context, status=status)


@require_GET
@recorders
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    return _activity_page(request, selectors.get_activity_for(request.user, activity_id))  # type: ignore[arg-type]


@require_POST
@recorders
def material_add(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.get_activity_for(request.user, activity_id)  # type: ignore[arg-type]
    form = MaterialForm(request.POST)
    if not form.is_valid():
        return _activity_page(request, activity, 400, material_form=form)
    services.add_material(actor=request.user, activity=activity, **form.cleaned_data)  # type: ignore[arg-type]
    messages.success(request, _("The materials handed out are saved."))
    return redirect(reverse("community:activity", args=[activity.pk]) + "#materials")


@require_http_methods(["GET", "POST"])
@recorders
def activity_scores(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.get_activity_for(request.user, activity_id)  # type: ignore[arg-type]
    if not activity.is_training:
        raise Http404
    formset = score_formset(activity, request.POST if request.method == "POST" else None)
    if request.method == "POST" and formset.is_valid():
        services.set_scores(actor=request.user, activity=activity, pairs=formset.pairs())  # type: ignore[arg-type]
        messages.success(request, _("The knowledge scores are saved."))
        return redirect(reverse("community:activity", args=[activity.pk]) + "#scores")
    context = {"activity": activity, "formset": formset}
    return render(request, "community/scores.html", context, status=400 if formset.is_bound else 200)


# Attendance, typed in or imported, for a forum or an activity


def _attendance_target(request: HttpRequest, kind: str, target_id: int) -> Forum | Activity:
    if kind == "forum":
        return selectors.get_forum_for(request.user, target_id)  # type: ignore[arg-type]
    return selectors.get_activity_for(request.user, target_id)  # type: ignore[arg-type]


def _target_url(target: Forum | Activity) -> str:
    name = "community:forum" if isinstance(target, Forum) else "community:activity"
    return reverse(name, args=[target.pk]) + "#attendance"


def _save_attendance(request: HttpRequest, target: Forum | Activity, form: AttendanceForm) -> None:
    """The first attendance is simply saved; changing recorded attendance is a correction with a reason."""
    if form.is_correction:
        services.correct_attendance(
            actor=request.user,  # type: ignore[arg-type]  # verified staff
            target=target,
            counts=form.counts(),
            reason=form.cleaned_data["reason"],
        )
    else:
        services.set_attendance(actor=request.user, target=target, counts=form.counts())  # type: ignore[arg-type]


@require_http_methods(["GET", "POST"])
@recorders
def attendance_edit(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    target = _attendance_target(request, kind, target_id)
    form = AttendanceForm(request.POST or None, initial_counts=selectors.attendance_counts(target))
    if request.method == "POST" and form.is_valid():
        try:
            _save_attendance(request, target, form)
        except services.CorrectionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The attendance is saved."))
            return redirect(_target_url(target))
    context = {"form": form, "target": target, "back": _target_url(target)}
    return render(request, "community/attendance_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@recorders
def attendance_import(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    """Import a sheet: all of it when every row is valid, none of it otherwise, with each problem listed."""
    target = _attendance_target(request, kind, target_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "target": target, "back": _target_url(target)}
    if request.method == "POST" and form.is_valid():
        is_training = isinstance(target, Activity) and target.is_training
        max_score = target.max_score if isinstance(target, Activity) else 0
        try:
            sheet = read_attendance_sheet(form.cleaned_data["sheet"], with_scores=is_training, max_score=max_score)
        except SheetRejected as rejected:
            form.add_error("sheet", rejected.message)
        else:
            if not sheet.problems:
                count = services.import_attendance(actor=request.user, target=target, sheet=sheet)  # type: ignore[arg-type]
                imported = ngettext(
                    "%(count)s participant was imported.", "%(count)s participants were imported.", count
                )
                messages.success(request, imported % {"count": count})
                return redirect(_target_url(target))
            context["problems"] = sheet.problems
    status = 400 if form.errors or context.get("problems") else 200
    return render(request, "community/import.html", context, status=status)


@require_GET
@recorders
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    header = ["sex", "age", "pre_score", "post_score"]
    rows = [["female", 19, 4, 8], ["male", "25-39", 5, 7]]
    return spreadsheet_response(filename="attendance-sheet", fmt=fmt, header=header, rows=rows)


# Catalogues


@require_http_methods(["GET", "POST"])
@programme_staff
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        model = CATALOGUES[form.cleaned_data["catalogue"]]
        services.add_catalogue_entry(actor=request.user, model=model, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        messages.success(request, _("The entry is added to the catalogue."))
        return redirect("community:catalogue")
    context = {
        "form": form,
        "topics": Topic.objects.all(),
        "audiences": Audience.objects.all(),
        "institutions": Institution.objects.all(),
    }
    return render(request, "community/catalogue.html", context, status=400 if form.errors else 200)


# Community Peace Teams

team_viewers = require_roles(Role.ME_OFFICER, Role.CPT_MEMBER)


@require_GET
@team_viewers
def team_list(request: HttpRequest) -> HttpResponse:
    teams = selectors.teams_for(request.user)  # type: ignore[arg-type]
    can_create = request.user.has_role(Role.ME_OFFICER)  # type: ignore[union-attr]  # verified staff
    return render(request, "community/team_list.html", {"page": _page(request, teams), "can_create": can_create})


@require_http_methods(["GET", "POST"])
@programme_staff
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None, organisations=selectors.organisations_without_team())
    if request.method == "POST" and form.is_valid():
        team = services.create_team(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("The peace team is saved. Add its members below."))
        return redirect("community:team", team.pk)
    context = {"form": form, "title": _("New Community Peace Team"), "submit": _("Save the team")}
    return render(request, "community/form_page.html", context, status=400 if form.errors else 200)


def _team_page(request: HttpRequest, team: PeaceTeam, status: int = 200, **bound: Any) -> HttpResponse:
    """The team page. Names are opened with the reader's own keys; what they cannot open stays sealed."""
    try:
        keyring = vault.keyring_for(request)
    except vault.Locked:
        keyring = None
    members = list(selectors.team_members(team))
    names = selectors.open_names(members, keyring)
    can_edit = request.user.has_role(Role.ME_OFFICER)  # type: ignore[union-attr]  # verified staff
    trainings = selectors.activities_for(request.user).filter(kind=ActivityKind.TRAINING)  # type: ignore[arg-type]
    rows = [
        {
            "member": member,
            "name": names[member.pk],
            "form": bound.get(f"training_{member.pk}")
            or MemberTrainingForm(prefix=f"training-{member.pk}", trainings=trainings),
        }
        for member in members
    ]
    sessions = list(selectors.team_sessions(team))
    context = {
        "team": team,
        "rows": rows,
        "locked": keyring is None,
        "sessions": sessions,
        "cases_received": selectors.cases_received(team),
        "can_edit": can_edit,
        "member_form": bound.get("member_form") or MemberForm(),
        "corrections": selectors.corrections_of(*members, *sessions),
        "mentorship_form": bound.get("mentorship_form") or MentorshipForm(),
    }
    return render(request, "community/team_detail.html", context, status=status)


@require_GET
@team_viewers
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    return _team_page(request, selectors.get_team_for(request.user, team_id))  # type: ignore[arg-type]


@require_POST
@programme_staff
def member_add(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.get_team_for(request.user, team_id)  # type: ignore[arg-type]
    form = MemberForm(request.POST)
    if not form.is_valid():
        return _team_page(request, team, 400, member_form=form)
    services.add_member(actor=request.user, team=team, **form.cleaned_data)  # type: ignore[arg-type]
    messages.success(request, _("The member is added."))
    return redirect(reverse("community:team", args=[team.pk]) + "#members")


@require_POST
@programme_staff
def member_training_add(request: HttpRequest, team_id: int, member_id: int) -> HttpResponse:
    team = selectors.get_team_for(request.user, team_id)  # type: ignore[arg-type]
    member = get_object_or_404(team.members, pk=member_id)
    trainings = selectors.activities_for(request.user).filter(kind=ActivityKind.TRAINING)  # type: ignore[arg-type]
    form = MemberTrainingForm(request.POST, prefix=f"training-{member.pk}", trainings=trainings)
    if not form.is_valid():
        return _team_page(request, team, 400, **{f"training_{member.pk}": form})
    services.record_member_training(actor=request.user, member=member, **form.cleaned_data)  # type: ignore[arg-type]
    messages.success(request, _("The training is recorded."))
    return redirect(reverse("community:team", args=[team.pk]) + "#members")


@require_POST
@programme_staff
def mentorship_add(request: HttpRequest, team_id: int) -> HttpResponse:
    team = selectors.get_team_for(request.user, team_id)  # type: ignore[arg-type]
    form = MentorshipForm(request.POST)
    if not form.is_valid():
        return _team_page(request, team, 400, mentorship_form=form)
    services.record_mentorship(actor=request.user, team=team, **form.cleaned_data)  # type: ignore[arg-type]
    messages.success(request, _("The mentorship session is recorded."))
    return redirect(reverse("community:team", args=[team.pk]) + "#mentorship")


# Corrections and removals, each with a reason kept beside the record and in the audit log


def _posted(request: HttpRequest) -> Any:
    """The posted data, even when empty: an empty post is a form with errors, not a blank form."""
    return request.POST if request.method == "POST" else None


def _initial(target: Model, names: Any) -> dict[str, Any]:
    """The form's starting values: the record as it stands (related records as lists)."""
    initial: dict[str, Any] = {}
    for name in names:
        value: Any = getattr(target, name, None)
        initial[name] = list(value.all()) if hasattr(value, "all") else value
    return initial


def _correction_page(
    request: HttpRequest, *, form: Any, title: str, back: str, save: Callable[[dict[str, Any]], Any]
) -> HttpResponse:
    """Show a correction form, and on a valid post make the correction through ``save``.

    A missing reason, a correction that changes nothing or one the records refuse is shown again
    with its message; nothing is saved then.
    """
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            save(data)
        except services.CorrectionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The correction is saved with its reason."))
            return redirect(back)
    context = {"form": form, "title": title, "submit": _("Save the correction"), "back": back}
    return render(request, "community/form_page.html", context, status=400 if form.errors else 200)


def _correct_record(request: HttpRequest, target: Model, form_class: Any, title: str, back: str) -> HttpResponse:
    form = form_class(_posted(request), initial=_initial(target, form_class.base_fields))

    def save(data: dict[str, Any]) -> None:
        reason = data.pop("reason")
        services.correct_record(actor=request.user, target=target, changes=data, reason=reason)  # type: ignore[arg-type]

    return _correction_page(request, form=form, title=title, back=back, save=save)


def _remove_page(request: HttpRequest, *, target: Any, title: str, back: str, gone: str) -> HttpResponse:
    """Ask why, then remove: hidden where released figures may have counted it, deleted otherwise."""
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.remove_record(actor=request.user, target=target, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except services.CorrectionRefused as refused:
            form.add_error(None, str(refused))
        else:
            if correction.kind == CorrectionKind.REMOVED:
                messages.success(
                    request, _("The record is removed. Released figures counted it, so it is kept hidden.")
                )
            else:
                messages.success(request, _("The record is deleted."))
            return redirect(gone)
    context = {
        "form": form,
        "title": title,
        "submit": _("Remove it"),
        "back": back,
        "warning": _("Remove only what was entered by mistake, such as a duplicate. To fix details, correct instead."),
    }
    return render(request, "community/form_page.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@recorders
def forum_correct(request: HttpRequest, forum_id: int) -> HttpResponse:
    forum = selectors.get_forum_for(request.user, forum_id)  # type: ignore[arg-type]
    back = reverse("community:forum", args=[forum.pk])
    return _correct_record(request, forum, ForumCorrectionForm, _("Correct the forum"), back)


@require_http_methods(["GET", "POST"])
@recorders
def forum_remove(request: HttpRequest, forum_id: int) -> HttpResponse:
    forum = selectors.get_forum_for(request.user, forum_id)  # type: ignore[arg-type]
    back = reverse("community:forum", args=[forum.pk])
    return _remove_page(request, target=forum, title=_("Remove the forum"), back=back, gone=reverse("community:forums"))


@require_http_methods(["GET", "POST"])
@recorders
def action_point_correct(request: HttpRequest, action_point_id: int) -> HttpResponse:
    action_point = selectors.get_action_point_for(request.user, action_point_id)  # type: ignore[arg-type]
    back = reverse("community:action_point", args=[action_point.pk])
    return _correct_record(request, action_point, ActionPointCorrectionForm, _("Correct the action point"), back)


@require_http_methods(["GET", "POST"])
@recorders
def action_point_remove(request: HttpRequest, action_point_id: int) -> HttpResponse:
    action_point = selectors.get_action_point_for(request.user, action_point_id)  # type: ignore[arg-type]
    back = reverse("community:action_point", args=[action_point.pk])
    gone = reverse("community:forum", args=[action_point.forum_id]) + "#action-points"
    return _remove_page(request, target=action_point, title=_("Remove the action point"), back=back, gone=gone)


@require_http_methods(["GET", "POST"])
@recorders
def activity_correct(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.get_activity_for(request.user, activity_id)  # type: ignore[arg-type]
    back = reverse("community:activity", args=[activity.pk])
    return _correct_record(request, activity, ActivityCorrectionForm, _("Correct the training or event"), back)


@require_http_methods(["GET", "POST"])
@recorders
def activity_remove(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.get_activity_for(request.user, activity_id)  # type: ignore[arg-type]
    back = reverse("community:activity", args=[activity.pk])
    title = _("Remove the training or event")
    return _remove_page(request, target=activity, title=title, back=back, gone=reverse("community:activities"))


@require_http_methods(["GET", "POST"])
@programme_staff
def session_correct(request: HttpRequest, team_id: int, session_id: int) -> HttpResponse:
    team = selectors.get_team_for(request.user, team_id)  # type: ignore[arg-type]
    session = selectors.get_session_for(team, session_id)
    back = reverse("community:team", args=[team.pk]) + "#mentorship"
    return _correct_record(request, session, MentorshipCorrectionForm, _("Correct the mentorship session"), back)


@require_http_methods(["GET", "POST"])
@programme_staff
def session_remove(request: HttpRequest, team_id: int, session_id: int) -> HttpResponse:
    team = selectors.get_team_for(request.user, team_id)  # type: ignore[arg-type]
    session = selectors.get_session_for(team, session_id)
    back = reverse("community:team", args=[team.pk]) + "#mentorship"
    return _remove_page(request, target=session, title=_("Remove the mentorship session"), back=back, gone=back)


@require_http_methods(["GET", "POST"])
@programme_staff
def member_correct(request: HttpRequest, team_id: int, member_id: int) -> HttpResponse:
    team = selectors.get_team_for(request.user, team_id)  # type: ignore[arg-type]
    member = selectors.get_member_for(team, member_id)
    back = reverse("community:team", args=[team.pk]) + "#members"
    form = MemberCorrectionForm(_posted(request), initial=_initial(member, ["role", "joined_on"]))

    def save(data: dict[str, Any]) -> None:
        services.correct_member(actor=request.user, member=member, **data)  # type: ignore[arg-type]

    return _correction_page(request, form=form, title=_("Correct the member's details"), back=back, save=save)


@require_http_methods(["GET", "POST"])
@programme_staff
def member_remove(request: HttpRequest, team_id: int, member_id: int) -> HttpResponse:
    team = selectors.get_team_for(request.user, team_id)  # type: ignore[arg-type]
    member = selectors.get_member_for(team, member_id)
    back = reverse("community:team", args=[team.pk]) + "#members"
    return _remove_page(request, target=member, title=_("Remove the member"), back=back, gone=back)


# Follow-up visits: the NGO asks, a peace team visits and says how it went

visit_people = require_roles(Role.CASEWORKER, Role.SUPERVISOR, Role.CPT_MEMBER)


def _visits_page(request: HttpRequest, keyring: Any, *, status: int = 200, **bound: Any) -> HttpResponse:
    user = request.user
    asks = not user.has_role(Role.CPT_MEMBER)  # type: ignore[union-attr]  # verified staff
    page = _page(request, selectors.visits_for(user))  # type: ignore[arg-type]
    rows = [
        {
            "opened": opened,
            "form": bound.get(f"outcome_{opened.visit.pk}") or VisitOutcomeForm(prefix=opened.visit.reference),
        }
        for opened in selectors.open_visits(page.object_list, keyring)
    ]
    teams = selectors.teams_supported_by(user) if asks else None  # type: ignore[arg-type]
    context: dict[str, Any] = {
        "page": page,
        "rows": rows,
        "asks": asks,
        "request_form": bound.get("request_form") or (VisitRequestForm(teams=teams) if asks else None),
    }
    return render(request, "community/visits.html", context, status=status)


@never_cache
@require_GET
@visit_people
@with_keyring
def visit_list(request: HttpRequest, *, keyring: Any) -> HttpResponse:
    return _visits_page(request, keyring)


@never_cache
@require_POST
@require_roles(Role.CASEWORKER, Role.SUPERVISOR)
@with_keyring
def visit_request(request: HttpRequest, *, keyring: Any) -> HttpResponse:
    """Ask a team for a visit on a case of this organisation whose survivor chose peace-team contact."""
    form = VisitRequestForm(request.POST, teams=selectors.teams_supported_by(request.user))  # type: ignore[arg-type]
    if form.is_valid():
        data = form.cleaned_data
        case = cases.get_case_for(request.user, data["case_reference"])  # type: ignore[arg-type]  # verified staff
        contact = cases.open_identity(case, keyring=keyring).get("contact_methods", [])
        try:
            services.request_visit(
                case=case,
                team=data["team"],
                contact_methods=contact,
                brief=data["brief"],
                due_on=data["due_on"],
                by=request.user,  # type: ignore[arg-type]  # verified staff
            )
        except services.VisitRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The peace team is asked for the visit. It sees only what you wrote for it."))
            return redirect("community:visits")
    return _visits_page(request, keyring, status=400, request_form=form)


@never_cache
@require_POST
@require_roles(Role.CPT_MEMBER)
@with_keyring
def visit_record(request: HttpRequest, reference: str, *, keyring: Any) -> HttpResponse:
    visit = selectors.get_visit_for(request.user, reference)  # type: ignore[arg-type]
    form = VisitOutcomeForm(request.POST, prefix=visit.reference)
    if form.is_valid():
        try:
            services.record_visit(visit=visit, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except services.VisitRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The visit is recorded. The caseworker sees your note."))
            return redirect("community:visits")
    return _visits_page(request, keyring, status=400, **{f"outcome_{visit.pk}": form})
