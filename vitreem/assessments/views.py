"""The assessment's pages: thin views over its services and selectors. A refusal of a service
(ValidationError) is shown on the form it came from and changes nothing."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vitreem.accounts.access import (
    Action,
    can,
    get_assessment_for_user,
    memberships,
    require,
    require_appraisal,
)
from vitreem.accounts.models import User
from vitreem.core.text import text_problem
from vitreem.documents import attachments
from vitreem.reporting.selectors import completeness
from vitreem.units.models import AdministrativeUnit, Level
from vitreem.units.selectors import unit_or_404

from . import exports, selectors, services
from .forms import AppraiseForm, FileForm, ScoresForm, StartForm
from .models import Assessment, Score, Status


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _refused(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _year(request: HttpRequest, today: date) -> int:
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        raise Http404(_("Năm không hợp lệ.")) from None
    if services.year_problem(year, today):
        raise Http404(_("Năm không hợp lệ."))
    return year


def _unit(request: HttpRequest, user: User, year: int, today: date) -> AdministrativeUnit | None:
    """The unit asked for, else the user's first unit (None: the user belongs to none)."""
    code = (request.GET.get("unit") or "").strip()
    if not code:
        mine = memberships(user)
        return mine[0].unit if mine else None
    if len(code) > 8 or text_problem(code):
        raise Http404(_("Không tìm thấy đơn vị."))
    return unit_or_404(code, min(services.due_on(year), today))


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    """A unit's communes (a commune: itself) with the status of their assessment of a year."""
    user = _user(request)
    today = timezone.localdate()
    year = _year(request, today)
    unit = _unit(request, user, year, today)
    if unit is None:
        return render(request, "assessments/list.html", {"unit": None, "year": year, "rows": []})
    require(user, Action.READ, unit)
    rows = selectors.communes_with_status(unit, year)
    can_start = unit.level == Level.COMMUNE and can(user, Action.ENTER, unit)
    round_ = selectors.assessment_round(unit, year) if unit.level != Level.COMMUNE else None
    return render(
        request,
        "assessments/list.html",
        {
            "unit": unit,
            "year": year,
            "rows": rows,
            "can_start": can_start and not (rows and rows[0].assessment),
            "start_form": StartForm(initial={"year": year}),
            "report_round": round_,
            "report_progress": (completeness(round_, unit, today) if round_ is not None else None),
            "can_open_round": round_ is None
            and unit.level != Level.COMMUNE
            and can(user, Action.ENTER, unit),
        },
    )


@login_required
@require_POST
def assessment_round_open(request: HttpRequest) -> HttpResponse:
    """Open the year's round of the communes' self-assessment reports for the unit."""
    user = _user(request)
    today = timezone.localdate()
    code = (request.POST.get("unit") or "").strip()
    if not code or len(code) > 8 or text_problem(code):
        raise Http404(_("Không tìm thấy đơn vị."))
    raw_year = (request.POST.get("year") or "").strip()
    if not raw_year.isdigit() or len(raw_year) > 4 or services.year_problem(int(raw_year), today):
        raise Http404(_("Năm không hợp lệ."))
    year = int(raw_year)
    unit = unit_or_404(code, min(services.due_on(year), today))
    require(user, Action.ENTER, unit)
    try:
        round_ = services.assessment_round_open(actor=user, unit=unit, year=year)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(f"{reverse('assessments:list')}?unit={unit.code}&year={year}")
    messages.success(
        request, _("Đã mở đợt báo cáo; các bản tự đánh giá đã gửi được tính là đã nộp.")
    )
    return redirect("reporting:round", round_.pk)


@login_required
def assessment_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    year = _year(request, today)
    unit = _unit(request, user, year, today)
    if unit is None:
        raise Http404(_("Bạn chưa thuộc đơn vị nào."))
    require(user, Action.READ, unit)
    data = exports.list_workbook(unit, year, selectors.communes_with_status(unit, year))
    response = HttpResponse(data, content_type=exports.XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="xa-phuong-phu-hop-tre-em-{unit.code}-{year}.xlsx"'
    )
    return response


@login_required
@require_POST
def assessment_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    code = (request.POST.get("unit") or "").strip()
    if not code or len(code) > 8 or text_problem(code):
        raise Http404(_("Không tìm thấy đơn vị."))
    unit = unit_or_404(code, today)
    require(user, Action.ENTER, unit)
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            assessment = services.assessment_start(actor=user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(
                request, _("Đã lập bản tự đánh giá; các số liệu hệ thống có đã được điền sẵn.")
            )
            return redirect("assessments:detail", assessment.pk)
    rows = selectors.communes_with_status(unit, today.year)
    context = {
        "unit": unit,
        "year": today.year,
        "rows": rows,
        "can_start": True,
        "start_form": form,
    }
    return render(request, "assessments/list.html", context, status=400)


def _initial(assessment: Assessment, scores: list[Score]) -> dict[str, object]:
    initial: dict[str, object] = {"commune_type": assessment.commune_type}
    for s in scores:
        initial[f"points_{s.criterion.number}"] = s.points
        initial[f"evidence_{s.criterion.number}"] = s.evidence
    return initial


def _page(
    request: HttpRequest,
    assessment: Assessment,
    form: ScoresForm | None = None,
    appraise: AppraiseForm | None = None,
    file_form: FileForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    scores = selectors.scores_of(assessment)
    editable = assessment.status == Status.DRAFT and can(user, Action.ENTER, assessment.unit)
    if editable and form is None:
        form = ScoresForm(
            initial=_initial(assessment, scores), criteria=[s.criterion for s in scores]
        )
    may_appraise = assessment.status == Status.SUBMITTED and can(
        user, Action.APPROVE, assessment.appraising_unit
    )
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "scores": scores,
            "verdict": selectors.verdict(assessment, scores),
            "form": form if editable else None,
            "file_form": (file_form or FileForm()) if editable else None,
            "can_submit": assessment.status == Status.DRAFT
            and can(user, Action.APPROVE, assessment.unit),
            "appraise_form": (appraise or AppraiseForm()) if may_appraise else None,
        },
        status=status,
    )


@login_required
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = _user(request)
    if request.method != "POST":
        return _page(request, get_assessment_for_user(user, assessment_id))
    assessment = get_assessment_for_user(user, assessment_id, Action.ENTER)
    criteria = [s.criterion for s in selectors.scores_of(assessment)]
    form = ScoresForm(request.POST, criteria=criteria)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.assessment_save(
                actor=user,
                assessment=assessment,
                commune_type=data["commune_type"],
                scores=[
                    services.ScoreInput(
                        c.number, data[f"points_{c.number}"], data[f"evidence_{c.number}"]
                    )
                    for c in criteria
                ],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Đã lưu điểm và minh chứng."))
            return redirect("assessments:detail", assessment.pk)
    return _page(request, assessment, form=form, status=400)


@login_required
@require_POST
def assessment_submit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = _user(request)
    assessment = get_assessment_for_user(user, assessment_id, Action.APPROVE)
    try:
        services.assessment_submit(actor=user, assessment=assessment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Đã gửi bản tự đánh giá lên %(unit)s.") % {"unit": assessment.appraising_unit.name},
        )
    return redirect("assessments:detail", assessment.pk)


@login_required
@require_POST
def assessment_appraise(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = _user(request)
    assessment = get_assessment_for_user(user, assessment_id)
    require_appraisal(user, assessment)
    form = AppraiseForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_appraise(actor=user, assessment=assessment, **form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Đã ghi kết quả thẩm định."))
            return redirect("assessments:detail", assessment.pk)
    return _page(request, assessment, appraise=form, status=400)


@login_required
@require_POST
def score_file_upload(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = _user(request)
    assessment = get_assessment_for_user(user, assessment_id, Action.ENTER)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.score_attach(
                actor=user,
                assessment=assessment,
                criterion=form.cleaned_data["criterion"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Đã lưu tệp minh chứng."))
            return redirect("assessments:detail", assessment.pk)
    return _page(request, assessment, file_form=form, status=400)


@login_required
def score_file(request: HttpRequest, assessment_id: int, number: int) -> FileResponse:
    """A criterion's evidence file, to the assessment's readers only, always as a download."""
    assessment = get_assessment_for_user(_user(request), assessment_id)
    score = next((s for s in selectors.scores_of(assessment) if s.criterion.number == number), None)
    if score is None or not score.evidence_file:
        raise Http404(_("Không tìm thấy tệp minh chứng."))
    suffix = attachments.suffix_of(score.file_name)
    try:
        stream = score.evidence_file.open("rb")
    except OSError as missing:
        raise Http404(_("Không tìm thấy tệp minh chứng.")) from missing
    return FileResponse(
        stream,
        as_attachment=True,
        filename=f"minh-chung-{assessment.unit.code}-{assessment.year}-tieu-chi-{number}{suffix}",
        content_type=attachments.CONTENT_TYPES.get(suffix, "application/octet-stream"),
    )
