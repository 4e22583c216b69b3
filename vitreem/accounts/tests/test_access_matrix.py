"""The access matrix: every page and endpoint that touches a unit's own data, for every persona.

A new unit-scoped page or endpoint joins ENDPOINTS; the matrix then checks it for everybody.
Expected outcomes: "ok" (the operation happens), "forbidden" (403: may read, may not change),
"hidden" (404: not theirs, indistinguishable from absent), "login" (anonymous).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from vitreem.accounts.models import ApiToken
from vitreem.core.models import AuditEvent
from vitreem.units.models import Agency

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # {code} is unit A's code
    action: str  # the access rule's action
    api: bool
    body: dict[str, Any] = field(default_factory=dict)


ENDPOINTS = [
    Endpoint("api members", "GET", "/api/v1/units/{code}/members?as_of=2026-06-01", "read", True),
    Endpoint(
        "api add agency",
        "POST",
        "/api/v1/units/{code}/agencies?as_of=2026-06-01",
        "manage",
        True,
        {"name": "Câu lạc bộ Quyền trẻ em", "kind": "other"},
    ),
    Endpoint("api draft plan", "GET", "/api/v1/plans/{plan}", "read", True),
    Endpoint("api draft plan document", "GET", "/api/v1/plans/{plan}/document", "read", True),
    Endpoint("page draft plan", "GET", "/plans/{plan}/", "read", False),
    Endpoint("page draft plan docx", "GET", "/plans/{plan}/document.docx", "read", False),
    Endpoint(
        "page assign task",
        "POST",
        "/plans/{plan}/tasks/{task}/assign/",
        "enter",
        False,
        {"t{task}-agency": "{agency}"},
    ),
    Endpoint("page plan editor", "GET", "/plans/{plan}/edit/", "enter", False),
    # A plan document imported into A: the reviewed plan saved as A's draft.
    Endpoint(
        "page save imported plan",
        "POST",
        "/plans/import/",
        "enter",
        False,
        {
            "step": "save",
            "unit": "{code}",
            "title": "Kế hoạch nhập từ tệp",
            "period_start": "01/06/2026",
            "period_end": "30/06/2026",
        },
    ),
    Endpoint(
        "api save imported plan",
        "POST",
        "/api/v1/plans/import/save",
        "enter",
        True,
        {
            "unit": "{code}",
            "plan": {
                "title": "Kế hoạch nhập từ tệp",
                "period_start": "2026-06-01",
                "period_end": "2026-06-30",
            },
        },
    ),
    Endpoint(
        "page save plan header",
        "POST",
        "/plans/{plan}/edit/",
        "enter",
        False,
        {
            "part": "header",
            "symbol": "KH-UBND",
            "title": "Kế hoạch sửa",
            "place": "Bắc Kạn",
            "period_start": "01/06/2026",
            "period_end": "30/06/2026",
        },
    ),
    # The outline editor: the draft's body is empty, whose version is the digest of [].
    Endpoint("page outline editor", "GET", "/plans/{plan}/outline/", "enter", False),
    Endpoint(
        "page outline edit",
        "POST",
        "/plans/{plan}/outline/",
        "enter",
        False,
        {
            "op": "insert",
            "path": "0",
            "kind": "paragraph",
            "text": "Căn cứ Luật Trẻ em năm 2016;",
            "version": "4f53cda18c2baa0c0354",
        },
    ),
    # The appendices step: the draft has none, whose version is the digest of [].
    Endpoint("page appendices step", "GET", "/plans/{plan}/edit/?step=appendices", "enter", False),
    Endpoint(
        "page appendix add",
        "POST",
        "/plans/{plan}/edit/",
        "enter",
        False,
        {
            "part": "appendices",
            "version": "4f53cda18c2baa0c0354",
            "new_title": "Mẫu báo cáo kết quả",
            "new_lines": "Đơn vị báo cáo",
        },
    ),
    Endpoint("api draft plan outline", "GET", "/api/v1/plans/{plan}/outline", "read", True),
    Endpoint("api draft plan appendices", "GET", "/api/v1/plans/{plan}/appendices", "read", True),
    Endpoint(
        "api appendices edit",
        "PUT",
        "/api/v1/plans/{plan}/appendices",
        "enter",
        True,
        {
            "expected_version": "4f53cda18c2baa0c0354",
            "appendices": [{"source": None, "title": "Phụ lục: danh sách đơn vị"}],
        },
    ),
    Endpoint(
        "api outline edit",
        "POST",
        "/api/v1/plans/{plan}/outline",
        "enter",
        True,
        {
            "op": "insert",
            "path": "0",
            "node": {"kind": "heading", "text": "MỤC ĐÍCH, YÊU CẦU"},
            "expected_version": "4f53cda18c2baa0c0354",
        },
    ),
    Endpoint("page amend issued plan", "POST", "/plans/{issued_plan}/amend/", "enter", False),
    Endpoint(
        "page discard draft plan",
        "POST",
        "/plans/{plan}/discard/",
        "enter",
        False,
        {"confirm": "on"},
    ),
    Endpoint("api discard draft plan", "DELETE", "/api/v1/plans/{plan}", "enter", True),
    Endpoint("page copy plan", "POST", "/plans/{plan}/copy/", "enter", False, {"year": "2027"}),
    Endpoint(
        "page issue plan",
        "POST",
        "/plans/{plan}/issue/",
        "approve",
        False,
        {"issued_on": "01/06/2026", "confirm_unassigned": "on"},
    ),
    Endpoint(
        "api issue plan",
        "POST",
        "/api/v1/plans/{plan}/issue",
        "approve",
        True,
        {"issued_on": "2026-06-01", "confirm_unassigned": True},
    ),
    Endpoint("api unit tasks", "GET", "/api/v1/units/{code}/tasks?as_of=2026-06-01", "read", True),
    Endpoint(
        "api task progress",
        "POST",
        "/api/v1/tasks/{issued_task}/progress",
        "enter",
        True,
        {"status": "done"},
    ),
    Endpoint(
        "page task progress",
        "POST",
        "/plans/tasks/{issued_task}/",
        "enter",
        False,
        {"status": "done"},
    ),
    Endpoint(
        "page task progress file",
        "GET",
        "/plans/tasks/{issued_task}/progress/{task_file}/file",
        "read",
        False,
    ),
    Endpoint("api report of A", "GET", "/api/v1/submissions/{draft_report}", "read", True),
    Endpoint(
        "api enter values of A",
        "PUT",
        "/api/v1/submissions/{draft_report}/values",
        "enter",
        True,
        {"values": [{"element": "forums", "value": 2}]},
    ),
    Endpoint(
        "api submit report of A", "POST", "/api/v1/submissions/{draft_report}/submit", "enter", True
    ),
    Endpoint(
        "api consolidation of A",
        "GET",
        "/api/v1/rounds/{draft_round}/consolidated?unit=01843",
        "read",
        True,
    ),
    Endpoint(
        "api trend of A",
        "GET",
        "/api/v1/units/{code}/trend?form=action-month-result&as_of=2026-06-01",
        "read",
        True,
    ),
    Endpoint(
        "api completeness of A",
        "GET",
        "/api/v1/rounds/{draft_round}/completeness?unit=01843",
        "read",
        True,
    ),
    Endpoint(
        "api approve report of A",
        "POST",
        "/api/v1/submissions/{filed_report}/approve",
        "decide",
        True,
    ),
    Endpoint(
        "api return report of A",
        "POST",
        "/api/v1/submissions/{filed_report}/return",
        "decide",
        True,
        {"reason": "Thiếu số liệu bảng 2"},
    ),
    Endpoint("page report of A", "GET", "/reports/submissions/{draft_report}/", "read", False),
    Endpoint(
        "page enter report of A",
        "POST",
        "/reports/submissions/{draft_report}/",
        "enter",
        False,
        {"version": "0", "action": "save", "c-forums--": "2"},
    ),
    Endpoint(
        "page consolidation of A",
        "GET",
        "/reports/{draft_round}/consolidated/?unit=01843",
        "read",
        False,
    ),
    Endpoint("page dashboard of A", "GET", "/dashboard/?unit={code}", "read", False),
    Endpoint("page dashboard workbook of A", "GET", "/dashboard/xlsx/?unit={code}", "read", False),
    Endpoint("page national dashboard", "GET", "/dashboard/national/", "national", False),
    Endpoint(
        "page national dashboard workbook", "GET", "/dashboard/national/xlsx/", "national", False
    ),
    # Recomputing the totals of the round the province receives: its leaders, as for deciding.
    Endpoint(
        "page rebuild round totals", "POST", "/reports/{draft_round}/rebuild/", "decide", False
    ),
    # "Nhắc nộp" and the reminder days of the round the province receives: its staff.
    Endpoint("api remind round", "POST", "/api/v1/rounds/{draft_round}/remind", "decide", True),
    Endpoint("page remind round", "POST", "/reports/{draft_round}/remind/", "decide", False),
    Endpoint(
        "page round reminder days",
        "POST",
        "/reports/{draft_round}/reminders/",
        "decide",
        False,
        {"remind_days": "5, 2", "escalate_after": "2"},
    ),
    Endpoint(
        "api round reminder days",
        "PUT",
        "/api/v1/rounds/{draft_round}/reminders",
        "decide",
        True,
        {"remind_days": [5, 2], "escalate_after": 2},
    ),
    Endpoint(
        "page approve report of A",
        "POST",
        "/reports/submissions/{filed_report}/decide/",
        "decide",
        False,
        {"action": "approve"},
    ),
    Endpoint(
        "page cell history of A",
        "GET",
        "/reports/submissions/{draft_report}/history/",
        "read",
        False,
    ),
    # The national tables are the ministry's: superusers only, whoever else asks gets 404.
    Endpoint(
        "page national tables",
        "GET",
        "/reports/national/?form=action-month-result&year=2026",
        "national",
        False,
    ),
    # Children's records: read by the subtree, written by the commune, sensitive data and
    # oversight (export, read log) per membership.
    Endpoint("api children of A", "GET", "/api/v1/children?unit={code}", "read", True),
    Endpoint("api child of A", "GET", "/api/v1/children/{child}", "read", True),
    Endpoint(
        "api support of a child of A", "GET", "/api/v1/children/{child}/support", "read", True
    ),
    Endpoint(
        "api children of A in a sensitive group",
        "GET",
        "/api/v1/children?unit={code}&group=l",
        "sensitive",
        True,
    ),
    Endpoint(
        "api register a child in A",
        "POST",
        "/api/v1/children",
        "enter",
        True,
        {
            "unit": "{code}",
            "full_name": "Hà Thị Mơ",
            "date_of_birth": "2019-05-05",
            "sex": "female",
        },
    ),
    Endpoint(
        "api support a child of A",
        "POST",
        "/api/v1/children/{child}/support",
        "enter",
        True,
        {
            "kind": "gift",
            "given_on": "2026-06-01",
            "value": 200000,
            "source": "state",
            "occasion": "childrens_day",
        },
    ),
    Endpoint("page children of A", "GET", "/children/?unit={code}", "read", False),
    Endpoint("page child of A", "GET", "/children/{child}/", "read", False),
    Endpoint("page edit a child of A", "GET", "/children/{child}/edit/", "enter", False),
    Endpoint(
        "page register a child in A",
        "POST",
        "/children/new/?unit={code}",
        "enter",
        False,
        {"full_name": "Hà Thị Mơ", "date_of_birth": "05/05/2019", "sex": "female"},
    ),
    Endpoint(
        "page support a child of A",
        "POST",
        "/children/{child}/support/new/",
        "enter",
        False,
        {
            "kind": "gift",
            "given_on": "01/06/2026",
            "value": "200.000",
            "source": "state",
            "occasion": "childrens_day",
        },
    ),
    Endpoint(
        "page export children of A", "GET", "/children/export.xlsx?unit={code}", "oversee", False
    ),
    Endpoint("page read log of A", "GET", "/children/reads/?unit={code}", "oversee", False),
    Endpoint("page import into A", "GET", "/children/import/?unit={code}", "enter", False),
    Endpoint(
        "page import template of A",
        "GET",
        "/children/import/children.xlsx?unit={code}",
        "enter",
        False,
    ),
    Endpoint(
        "page registry proposals for A", "GET", "/children/prefill/{draft_report}/", "read", False
    ),
    Endpoint(
        "page fill A's report from the registry",
        "POST",
        "/children/prefill/{draft_report}/",
        "enter",
        False,
    ),
    Endpoint("page unit members", "GET", "/units/{code}/members/?as_of=01/06/2026", "read", False),
    Endpoint(
        "page agency form", "GET", "/units/{code}/agencies/new/?as_of=01/06/2026", "manage", False
    ),
    Endpoint(
        "page add agency",
        "POST",
        "/units/{code}/agencies/new/?as_of=01/06/2026",
        "manage",
        False,
        {"name": "Câu lạc bộ Quyền trẻ em", "kind": "other"},
    ),
    Endpoint(
        "page grant sensitive data in A",
        "POST",
        "/units/{code}/members/{membership}/sensitive/?as_of=01/06/2026",
        "oversee",
        False,
        {"allowed": "0"},
    ),
    Endpoint(
        "page standard agencies",
        "POST",
        "/units/{code}/agencies/standard/?as_of=01/06/2026",
        "manage",
        False,
    ),
    # A's leaders add people to A or to one of its agencies, and remove them.
    Endpoint(
        "page add a member to an agency of A",
        "POST",
        "/units/{code}/members/add/?as_of=01/06/2026",
        "manage",
        False,
        {
            "place": "{police}",
            "username": "canbo.moi",
            "full_name": "Vi Thị Hạnh",
            "email": "hanh.vi@backan.gov.vn",
            "role": "officer",
        },
    ),
    Endpoint(
        "page remove a member of A",
        "POST",
        "/units/{code}/members/{membership}/remove/?as_of=01/06/2026",
        "manage",
        False,
    ),
    Endpoint(
        "page remove a member of an agency of A",
        "POST",
        "/units/{code}/agency-members/{agency_membership}/remove/?as_of=01/06/2026",
        "manage",
        False,
    ),
    # The work of A's police: a task A's issued plan gives it, its report in a round A receives,
    # and the issued plan itself ("agency_read", "agency_enter").
    Endpoint("page issued plan of A", "GET", "/plans/{issued_plan}/", "agency_read", False),
    Endpoint("page task of A's police", "GET", "/plans/tasks/{police_task}/", "agency_read", False),
    Endpoint(
        "page progress of a task of A's police",
        "POST",
        "/plans/tasks/{police_task}/",
        "agency_enter",
        False,
        {"status": "in_progress", "note": "Đã bố trí tổ tuần tra"},
    ),
    Endpoint(
        "api progress of a task of A's police",
        "POST",
        "/api/v1/tasks/{police_task}/progress",
        "agency_enter",
        True,
        {"status": "done"},
    ),
    Endpoint(
        "api progress with a file of a task of A's police",
        "POST",
        "/api/v1/tasks/{police_task}/progress/upload",
        "agency_enter",
        True,
        {"status": "in_progress", "attachment": b"%PDF-1.4\n%%EOF\n"},  # bytes: a file sent
    ),
    Endpoint(
        "api report of A's police",
        "GET",
        "/api/v1/submissions/{police_report}",
        "agency_read",
        True,
    ),
    Endpoint(
        "page report of A's police",
        "GET",
        "/reports/submissions/{police_report}/",
        "agency_read",
        False,
    ),
    Endpoint(
        "api enter values of A's police",
        "PUT",
        "/api/v1/submissions/{police_report}/values",
        "agency_enter",
        True,
        {"values": [{"element": "forums", "value": 2}]},
    ),
    # The children's protection fund of A: read by the subtree, entered by A's officers and
    # leaders, its spending norms set by A's leaders.
    Endpoint("page fund of A", "GET", "/funds/{fund}/?year=2026", "read", False),
    Endpoint(
        "page add a donor to A's fund",
        "POST",
        "/funds/{fund}/donors/new/",
        "enter",
        False,
        {"kind": "person", "name": "Bà Lê Thị Hoa"},
    ),
    Endpoint(
        "page record a gift to A's fund",
        "POST",
        "/funds/{fund}/donations/new/",
        "enter",
        False,
        {
            "donor": "{fund.donor}",
            "received_on": "01/06/2026",
            "kind": "money",
            "amount": "1.000.000",
        },
    ),
    Endpoint(
        "page reverse a gift to A's fund",
        "POST",
        "/funds/{fund}/donations/{fund.donation}/reverse/",
        "enter",
        False,
        {"reason": "Ghi nhầm quỹ"},
    ),
    Endpoint(
        "page record a payment of A's fund",
        "POST",
        "/funds/{fund}/disbursements/new/",
        "enter",
        False,
        {
            "paid_on": "01/06/2026",
            "category": "activity",
            "purpose": "Diễn đàn trẻ em",
            "amount": "500.000",
            "beneficiaries": "30",
        },
    ),
    Endpoint(
        "page set the norms of A's fund",
        "POST",
        "/funds/{fund}/norms/new/",
        "manage",
        False,
        {
            "number": "02/QĐ-HĐQ",
            "signed_on": "01/06/2026",
            "valid_from": "01/06/2026",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-category": "gift",
            "items-0-max_per_beneficiary": "700.000",
        },
    ),
    Endpoint(
        "page support form of A's fund",
        "GET",
        "/funds/{fund}/support/?child={fund.child}",
        "enter",
        False,
    ),
    Endpoint(
        "page support a child of A from A's fund",
        "POST",
        "/funds/{fund}/support/?child={fund.child}",
        "enter",
        False,
        {"kind": "gift", "given_on": "01/06/2026", "value": "300.000", "occasion": "childrens_day"},
    ),
    Endpoint(
        "api balance of A's fund",
        "GET",
        "/api/v1/funds/{fund}/balance?as_of=2026-06-01",
        "read",
        True,
    ),
    Endpoint(
        "api honour roll of A's fund",
        "GET",
        "/api/v1/funds/{fund}/honour-roll?year=2026",
        "read",
        True,
    ),
    Endpoint("api donors of A's fund", "GET", "/api/v1/funds/{fund}/donors", "read", True),
    Endpoint(
        "api record a gift to A's fund",
        "POST",
        "/api/v1/funds/{fund}/donations",
        "enter",
        True,
        {"donor": "{fund.donor}", "received_on": "2026-06-01", "amount": 1000000},
    ),
    # A background job on A (an import started by another of A's officers) and the file it made:
    # its starter and A's readers.
    Endpoint("page job of A", "GET", "/jobs/{job}/", "read", False),
    Endpoint("page file of a job of A", "GET", "/jobs/{job}/result", "read", False),
    Endpoint("api job of A", "GET", "/api/v1/jobs/{job}", "read", True),
    # Jobs started by a page: the PDF of A's draft plan (its readers), the national workbook.
    Endpoint("page pdf job of a draft plan", "POST", "/plans/{plan}/document.pdf", "read", False),
    Endpoint(
        "page national workbook job",
        "POST",
        "/reports/national.xlsx?form=action-month-result&year=2026&round={draft_round}",
        "national",
        False,
    ),
    # A user's own account: everyone signed in reaches their own ("self"); one token of A's
    # officer is revoked only by that officer ("own"; administrators use the admin site).
    Endpoint("api my tokens", "GET", "/api/v1/auth/tokens", "self", True),
    Endpoint("api sign out of the api", "POST", "/api/v1/auth/logout", "self", True),
    Endpoint("api revoke all my tokens", "DELETE", "/api/v1/auth/tokens", "self", True),
    Endpoint("page my tokens", "GET", "/accounts/tokens/", "self", False),
    Endpoint("page revoke all my tokens", "POST", "/accounts/tokens/revoke-all/", "self", False),
    Endpoint("page password change", "GET", "/accounts/password/", "self", False),
    Endpoint("api my notifications", "GET", "/api/v1/notifications", "self", True),
    Endpoint(
        "api mark my notifications read",
        "POST",
        "/api/v1/notifications/read",
        "self",
        True,
        {"all": True},
    ),
    Endpoint("page my notifications", "GET", "/notifications/", "self", False),
    Endpoint(
        "page mark my notifications read",
        "POST",
        "/notifications/read/",
        "self",
        False,
        {"all": "1"},
    ),
    Endpoint("page my notification settings", "GET", "/notifications/settings/", "self", False),
    Endpoint(
        "api my notification settings", "GET", "/api/v1/notifications/preferences", "self", True
    ),
    Endpoint(
        "api save my notification settings",
        "PUT",
        "/api/v1/notifications/preferences",
        "self",
        True,
        {"mail": "digest", "muted": ["report_approved"]},
    ),
    Endpoint(
        "api revoke a token of A's officer", "DELETE", "/api/v1/auth/tokens/{token}", "own", True
    ),
    Endpoint(
        "page revoke a token of A's officer",
        "POST",
        "/accounts/tokens/{token}/revoke/",
        "own",
        False,
    ),
]

# The child-friendly commune assessment of A (2026): entered by A's officers, submitted by its
# leader, appraised ("decide") by the province's leader.
ASSESSMENT_ENDPOINTS = [
    Endpoint(
        "api assessments of A", "GET", "/api/v1/assessments?unit={code}&year=2026", "read", True
    ),
    Endpoint("api assessment of A", "GET", "/api/v1/assessments/{assessment}", "read", True),
    Endpoint(
        "api open an assessment of A",
        "POST",
        "/api/v1/assessments",
        "enter",
        True,
        {"unit": "{code}", "year": 2025},
    ),
    Endpoint(
        "api save assessment points",
        "PUT",
        "/api/v1/assessments/{assessment}/scores",
        "enter",
        True,
        {"scores": [{"criterion": 1, "points": 50}]},
    ),
    Endpoint(
        "api submit assessment", "POST", "/api/v1/assessments/{assessment}/submit", "approve", True
    ),
    Endpoint(
        "api appraise assessment",
        "POST",
        "/api/v1/assessments/{submitted_assessment}/appraise",
        "decide",
        True,
        {"recognised": False},
    ),
    Endpoint("page assessments of A", "GET", "/assessments/?unit={code}&year=2026", "read", False),
    Endpoint(
        "page assessments xlsx",
        "GET",
        "/assessments/export.xlsx?unit={code}&year=2026",
        "read",
        False,
    ),
    Endpoint("page assessment of A", "GET", "/assessments/{assessment}/", "read", False),
    Endpoint(
        "page save assessment points",
        "POST",
        "/assessments/{assessment}/",
        "enter",
        False,
        {"commune_type": "other", "points_1": "50"},
    ),
    Endpoint(
        "page submit assessment", "POST", "/assessments/{assessment}/submit/", "approve", False
    ),
    Endpoint(
        "page appraise assessment",
        "POST",
        "/assessments/{submitted_assessment}/appraise/",
        "decide",
        False,
        {"recognised": "0"},
    ),
]
ENDPOINTS += ASSESSMENT_ENDPOINTS

# The province's plan as A received it (imported from its document): A's own members only read
# it and derive A's plan from it ("received"); nobody changes it.
RECEIVED_ENDPOINTS = [
    Endpoint("page received plan", "GET", "/plans/{received_plan}/", "received", False),
    Endpoint("api received plan", "GET", "/api/v1/plans/{received_plan}", "received", True),
    Endpoint(
        "api derive from received plan",
        "POST",
        "/api/v1/plans/{received_plan}/derive",
        "received",
        True,
        {"unit": "{code}"},
    ),
    Endpoint(
        "page edit received plan", "GET", "/plans/{received_plan}/edit/", "received_write", False
    ),
    Endpoint(
        "page discard received plan",
        "POST",
        "/plans/{received_plan}/discard/",
        "received_discard",
        False,
        {"confirm": "on"},
    ),
    Endpoint(
        "api discard received plan",
        "DELETE",
        "/api/v1/plans/{received_plan}",
        "received_discard",
        True,
    ),
]
ENDPOINTS += RECEIVED_ENDPOINTS

# persona → outcome per action on unit A (phường Bắc Kạn).
# "decide" is the province's approval of A's filed report: A itself may not decide on it.
# "national" is reading the national tables, which only superusers (the ministry) do.
# "sensitive" is reading children's sensitive data (granted per membership: A's officer and
# leader); "oversee" is exporting child lists and reading the read log (leaders of A or above).
ACTIONS = [
    "read",
    "enter",
    "approve",
    "manage",
    "decide",
    "national",
    "sensitive",
    "oversee",
    "self",
    "own",
    "agency_read",
    "agency_enter",
    "received",
    "received_write",
    "received_discard",
]
EXPECTED = {
    "anonymous": dict.fromkeys(ACTIONS, "login"),
    "officer_b": {**dict.fromkeys(ACTIONS, "hidden"), "self": "ok"},
    "old_officer": {**dict.fromkeys(ACTIONS, "hidden"), "self": "ok"},
    "officer_a": {
        "self": "ok",
        "own": "ok",
        "read": "ok",
        "enter": "ok",
        "approve": "forbidden",
        "manage": "forbidden",
        "decide": "hidden",
        "national": "hidden",
        "sensitive": "ok",
        "oversee": "forbidden",
    },
    "viewer": {
        "self": "ok",
        "own": "hidden",
        "read": "ok",
        "enter": "forbidden",
        "approve": "forbidden",
        "manage": "forbidden",
        "decide": "forbidden",
        "national": "hidden",
        "sensitive": "forbidden",
        "oversee": "forbidden",
    },
    "supervisor": {
        "self": "ok",
        "own": "hidden",
        "read": "ok",
        "enter": "forbidden",
        "approve": "forbidden",
        "manage": "forbidden",
        "decide": "ok",
        "national": "hidden",
        "sensitive": "forbidden",
        "oversee": "ok",
    },
    "leader_a": {
        "self": "ok",
        "own": "hidden",
        "read": "ok",
        "enter": "ok",
        "approve": "ok",
        "manage": "ok",
        "decide": "hidden",
        "national": "hidden",
        "sensitive": "ok",
        "oversee": "ok",
    },
    "admin": {**dict.fromkeys(ACTIONS, "ok"), "own": "hidden"},
    # An officer and a viewer of A's police (an agency of A): the agency's own work only, never
    # A's other data or its children's records.
    "agency_officer": {
        **dict.fromkeys(ACTIONS, "hidden"),
        "self": "ok",
        "agency_read": "ok",
        "agency_enter": "ok",
    },
    "agency_viewer": {
        **dict.fromkeys(ACTIONS, "hidden"),
        "self": "ok",
        "agency_read": "ok",
        "agency_enter": "forbidden",
    },
}
# A received plan: A's own officer and leader (and superusers) read it and derive from it; it is
# hidden from everyone else, the province that issued the plan included; nobody edits it.
for _persona, _outcomes in EXPECTED.items():
    if _persona == "anonymous":
        continue
    _reads = _persona in {"officer_a", "leader_a", "admin"}
    _outcomes["received"] = "ok" if _reads else "hidden"
    _outcomes["received_write"] = "forbidden" if _reads else "hidden"
    # Discarding it is the receiving unit's: its members who enter data (viewers of A are none).
    _outcomes["received_discard"] = "ok" if _reads else "hidden"
# A's members act for A's agencies, and A's readers read their work: for the unit's personas the
# agency's work is A's own ("agency_read" as "read", "agency_enter" as "enter").
for _outcomes in EXPECTED.values():
    _outcomes.setdefault("agency_read", _outcomes["read"])
    _outcomes.setdefault("agency_enter", _outcomes["enter"])

STATUS = {
    (True, "ok"): {200, 201, 204},
    (True, "forbidden"): {403},
    (True, "hidden"): {404},
    (True, "login"): {401},
    (False, "ok"): {200, 302},
    (False, "forbidden"): {403},
    (False, "hidden"): {404},
    (False, "login"): {302},
}


def footprint() -> int:
    """What a write leaves: audit events (tokens aside), recorded changes of report cells, and
    notifications marked read."""
    from vitreem.notifications.models import Notification
    from vitreem.reporting.models import ValueChange

    return (
        AuditEvent.objects.exclude(action="token.issue").count()
        + ValueChange.objects.count()
        + Notification.objects.filter(read_at__isnull=False).count()
    )


def child_of(personas):
    """A child of unit A, with a sensitive circumstance (group l)."""
    from vitreem.children.models import Child
    from vitreem.children.services import ChildData, child_register, circumstance_add

    child = Child.objects.filter(unit=personas.unit_a).first()
    if child is None:
        child = child_register(
            actor=personas.officer_a,
            unit=personas.unit_a,
            data=ChildData(full_name="Lương Thị Sen", date_of_birth=date(2016, 2, 2), sex="female"),
        )
        circumstance_add(
            actor=personas.officer_a, child=child, group="l", started_on=date(2025, 4, 1)
        )
    return child


class FundOfA:
    """A's fund in a path: "{fund}" is its id; "{fund.donor}", "{fund.donation}" and
    "{fund.child}" a donor of it, that donor's gift and a child of A (one placeholder for all)."""

    def __init__(self, fund, donation, child) -> None:
        self.pk, self.donor, self.donation = fund.pk, donation.donor_id, donation.pk
        self.child = child.public_id

    def __str__(self) -> str:
        return str(self.pk)


def fund_of(personas) -> FundOfA:
    """A's fund, with its council's norms and one gift of 20 million đồng, and a child of A."""
    from vitreem.children.models import Child
    from vitreem.children.services import ChildData, child_register
    from vitreem.fund.models import Fund
    from vitreem.fund.services import donation_record, donor_add, fund_create, norm_decision_add

    fund = Fund.objects.filter(unit=personas.unit_a).first()
    if fund is None:
        fund = fund_create(actor=personas.admin, unit=personas.unit_a, name="Quỹ phường Bắc Kạn")
        norm_decision_add(
            actor=personas.admin,
            fund=fund,
            number="01/QĐ-HĐQ",
            signed_on=date(2026, 1, 5),
            valid_from=date(2026, 1, 5),
            items=[("gift", "Quà", 500_000), ("activity", "Hoạt động vì trẻ em", None)],
        )
        donor = donor_add(actor=personas.admin, fund=fund, kind="organisation", name="Công ty Sữa")
        donation_record(
            actor=personas.admin,
            fund=fund,
            donor=donor,
            received_on=date(2026, 2, 1),
            amount=20_000_000,
        )
    child = Child.objects.filter(unit=personas.unit_a, full_name="Đinh Văn Quý").first()
    if child is None:
        child = child_register(
            actor=personas.admin,
            unit=personas.unit_a,
            data=ChildData(full_name="Đinh Văn Quý", date_of_birth=date(2018, 1, 1), sex="male"),
        )
    return FundOfA(fund, fund.donations.get(), child)


def received_plan_of(personas):
    """The province's plan as A received it."""
    from datetime import date

    from vitreem.plans.models import Plan

    kept = Plan.objects.filter(received_by=personas.unit_a, number=95).first()
    if kept is not None:  # asked again within one test (a page's placeholders)
        return kept
    return Plan.objects.create(
        issuer_unit=personas.province,
        received_by=personas.unit_a,
        status="received",
        header_name="ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
        kind="action_month",
        number=95,
        issued_on=date(2026, 5, 8),
        year=2026,
        place="Thái Nguyên",
        title="Triển khai Tháng hành động vì trẻ em năm 2026",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )


def draft_plan_of(unit):
    from datetime import date

    from vitreem.plans.models import Assignment, Plan, Task

    plan, created = Plan.objects.get_or_create(
        issuer_unit=unit,
        title="Dự thảo kế hoạch Tháng hành động vì trẻ em năm 2026",
        defaults={
            "header_name": f"Ủy ban nhân dân {unit.name}",
            "kind": "action_month",
            "year": 2026,
            "place": unit.short_name,
            "period_start": date(2026, 6, 1),
            "period_end": date(2026, 6, 30),
        },
    )
    if created:
        assignment = Assignment.objects.create(plan=plan, assignee_label="Chưa phân công")
        Task.objects.create(assignment=assignment, text="Tổ chức diễn đàn trẻ em", role="lead")
    return plan


def issued_task_of(unit):
    from datetime import date

    from vitreem.plans.models import Assignment, Plan, Task

    plan, created = Plan.objects.get_or_create(
        issuer_unit=unit,
        number=99,
        defaults={
            "header_name": f"Ủy ban nhân dân {unit.name}",
            "title": "Kế hoạch đã ban hành",
            "status": "issued",
            "kind": "action_month",
            "year": 2026,
            "place": unit.short_name,
            "period_start": date(2026, 6, 1),
            "period_end": date(2026, 6, 30),
        },
    )
    if created:
        assignment = Assignment.objects.create(
            plan=plan, assignee_label=unit.name, assignee_unit=unit
        )
        Task.objects.create(assignment=assignment, text="Tổ chức diễn đàn trẻ em", role="lead")
    # The first task given to the unit itself (other rows add the police's, forms add more).
    task = (
        Task.objects.filter(assignment__plan=plan, assignment__assignee_unit=unit)
        .order_by("pk")
        .first()
    )
    assert task is not None
    return task


def task_file_of(unit):
    """A report with a PDF on A's issued task."""
    from django.core.files.base import ContentFile

    from vitreem.plans.models import TaskProgress

    task = issued_task_of(unit)
    progress = TaskProgress(task=task, status="in_progress", created_by=task_reporter())
    progress.attachment.save("bao-cao.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return progress


def task_reporter():
    from vitreem.accounts.tests.factories import UserFactory

    return UserFactory(username="matrix.reporter")


def report_of(personas, *, filed: bool):
    """A's report in a round received by its province (draft, or filed for the province)."""
    from vitreem.reporting.models import ReportForm, Round, Submission
    from vitreem.reporting.services import round_create, submission_submit

    title = "Đợt đã nộp" if filed else "Đợt đang nhập"
    round_ = Round.objects.filter(title=title).first() or round_create(
        actor=personas.admin,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=personas.province,
        title=title,
        period_kind="campaign",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    report = Submission.objects.get(round=round_, unit=personas.unit_a, agency=None)
    if filed and report.status == "draft":
        report = submission_submit(actor=personas.admin, submission=report)
    return report


def police_of(unit) -> Agency:
    """Công an phường of A, as the standard agencies name it."""
    return Agency.objects.get_or_create(
        unit=unit,
        name="Công an phường",
        defaults={"kind": "police", "valid_from": unit.valid_from},
    )[0]


@pytest.fixture
def personas(personas):
    """The shared personas, and an officer and a viewer of A's police."""
    from vitreem.accounts.models import AgencyMembership
    from vitreem.accounts.tests.factories import UserFactory

    police = police_of(personas.unit_a)
    for name, username, role in (
        ("agency_officer", "congan.a", "officer"),
        ("agency_viewer", "xem.congan.a", "viewer"),
    ):
        user = UserFactory(username=username)
        AgencyMembership.objects.create(user=user, agency=police, role=role)
        setattr(personas, name, user)
    return personas


def police_task_of(unit):
    """A task that A's issued plan gives A's police."""
    from vitreem.plans.models import Assignment, Task

    plan = issued_task_of(unit).assignment.plan
    police = police_of(unit)
    assignment, created = Assignment.objects.get_or_create(
        plan=plan, order=2, defaults={"assignee_label": police.name, "assignee_agency": police}
    )
    if created:
        Task.objects.create(
            assignment=assignment, text="Tuyên truyền phòng, chống xâm hại trẻ em", role="lead"
        )
    return assignment.tasks.get()


def police_report_of(personas):
    """The report of A's police in a round A receives."""
    from vitreem.reporting.models import ReportForm, Round, Submission
    from vitreem.reporting.services import round_create

    police = police_of(personas.unit_a)
    title = "Đợt của phường"
    round_ = Round.objects.filter(title=title).first() or round_create(
        actor=personas.admin,
        form=ReportForm.objects.get(code="action-month-result"),
        receiving_unit=personas.unit_a,
        title=title,
        period_kind="campaign",
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
    )
    return Submission.objects.get(round=round_, agency=police)


def agency_member_of(personas) -> int:
    """The membership of another officer of A's police (not one of the personas)."""
    from vitreem.accounts.models import AgencyMembership, User
    from vitreem.accounts.tests.factories import UserFactory

    UserFactory(username="congan.khac")
    membership, _created = AgencyMembership.objects.get_or_create(
        user=User.objects.get(username="congan.khac"),
        agency=police_of(personas.unit_a),
        defaults={"role": "officer"},
    )
    return membership.pk


def job_of(unit) -> int:
    """A finished job on A, with its file, started by an officer who is none of the personas."""
    from django.core.files.base import ContentFile

    from vitreem.accounts.models import User
    from vitreem.jobs.models import Job

    job = Job.objects.create(
        kind="plan_pdf",
        started_by=User.objects.create_user("matrix.jobs"),
        unit=unit,
        status="done",
        result_name="ke-hoach.pdf",
    )
    job.result_file.save("ke-hoach.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return job.pk


def token_of(user) -> int:
    from vitreem.accounts.models import ApiToken, hash_token
    from vitreem.accounts.services import token_issue

    return ApiToken.objects.get(digest=hash_token(token_issue(user=user, name="matrix"))).pk


def assessment_of(personas, *, submitted: bool = False):
    """A's 2026 self-assessment, every criterion scored (submitted by A's leader if asked)."""
    from vitreem.assessments.loaders import load_criteria
    from vitreem.assessments.models import Assessment
    from vitreem.assessments.services import (
        ScoreInput,
        assessment_save,
        assessment_start,
        assessment_submit,
    )

    found = Assessment.objects.filter(unit=personas.unit_a, year=2026).first()
    if found is None:
        load_criteria()
        found = assessment_start(actor=personas.admin, unit=personas.unit_a, year=2026)
        assessment_save(
            actor=personas.admin,
            assessment=found,
            scores=[ScoreInput(n, {1: 90, 7: 50}.get(n, 70)) for n in range(1, 14)],
        )
    if submitted and found.status == "draft":
        found = assessment_submit(actor=personas.admin, assessment=found)
    return found


def placeholders(personas, endpoint: Endpoint) -> dict[str, object]:
    """The values of the endpoint's {placeholders}, each made only when the endpoint uses it
    (a reporting round per test would make the matrix slow)."""
    makers = {
        "code": lambda: personas.unit_a.code,
        "plan": lambda: draft_plan_of(personas.unit_a).pk,
        "task": lambda: draft_plan_of(personas.unit_a).assignments.first().tasks.first().pk,
        "agency": lambda: (
            Agency.objects.get_or_create(
                unit=personas.unit_a,
                name="Trạm Y tế phường",
                defaults={"kind": "health", "valid_from": personas.unit_a.valid_from},
            )[0].pk
        ),
        "issued_task": lambda: issued_task_of(personas.unit_a).pk,
        "issued_plan": lambda: issued_task_of(personas.unit_a).assignment.plan_id,
        "task_file": lambda: task_file_of(personas.unit_a).pk,
        "draft_report": lambda: report_of(personas, filed=False).pk,
        "draft_round": lambda: report_of(personas, filed=False).round_id,
        "filed_report": lambda: report_of(personas, filed=True).pk,
        "fund": lambda: fund_of(personas),
        "child": lambda: child_of(personas).public_id,
        "membership": lambda: personas.officer_a.memberships.get().pk,
        "token": lambda: token_of(personas.officer_a),
        "police": lambda: police_of(personas.unit_a).pk,
        "police_task": lambda: police_task_of(personas.unit_a).pk,
        "police_report": lambda: police_report_of(personas).pk,
        "agency_membership": lambda: agency_member_of(personas),
        "job": lambda: job_of(personas.unit_a),
        "assessment": lambda: assessment_of(personas).pk,
        "received_plan": lambda: received_plan_of(personas).pk,
        "submitted_assessment": lambda: assessment_of(personas, submitted=True).pk,
    }
    text = endpoint.path + " ".join(f"{k} {v}" for k, v in endpoint.body.items())
    return {
        name: make() if callable(make) else make
        for name, make in makers.items()
        if "{" + name + "}" in text
    }


def call(client, personas, persona: str, endpoint: Endpoint, names: dict[str, object]):
    from vitreem.accounts.services import token_issue

    path = endpoint.path.format(**names)
    body = {
        key.format(**names): value.format(**names) if isinstance(value, str) else value
        for key, value in endpoint.body.items()
    }
    headers = {}
    if persona != "anonymous":
        user = getattr(personas, persona)
        if endpoint.api:
            headers["Authorization"] = f"Bearer {token_issue(user=user)}"
        else:
            client.force_login(user)
    if endpoint.method == "GET":
        return client.get(path, headers=headers)
    if endpoint.method == "PUT":
        return client.put(path, body, content_type="application/json", headers=headers)
    if endpoint.method == "DELETE":
        return client.delete(path, headers=headers)
    if any(isinstance(value, bytes) for value in body.values()):  # a multipart body with a file
        from django.core.files.uploadedfile import SimpleUploadedFile

        files = {
            key: SimpleUploadedFile("bao-cao.pdf", value) if isinstance(value, bytes) else value
            for key, value in body.items()
        }
        return client.post(path, files, headers=headers)
    if endpoint.api:
        return client.post(path, body, content_type="application/json", headers=headers)
    return client.post(path, body, headers=headers)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("persona", list(EXPECTED))
def test_access_matrix(client, personas, persona, endpoint):
    outcome = EXPECTED[persona][endpoint.action]
    names = placeholders(personas, endpoint)
    if "notifications/read" in endpoint.path and persona != "anonymous":
        from vitreem.notifications.models import Notification

        Notification.objects.create(
            user=getattr(personas, persona), event="account", key="matrix", text="Thông báo"
        )
    agencies_before = Agency.objects.count()
    audit_before = footprint()

    response = call(client, personas, persona, endpoint, names)

    assert response.status_code in STATUS[(endpoint.api, outcome)], (
        persona,
        endpoint.name,
        response.status_code,
    )
    if outcome == "login":
        assert endpoint.api or "/accounts/login/" in response["Location"]
    if endpoint.method in {"POST", "PUT", "DELETE"} and outcome != "ok":
        assert Agency.objects.count() == agencies_before
        assert footprint() == audit_before
        if "token" in names:
            assert ApiToken.objects.filter(pk=names["token"]).exists()
    if outcome == "ok" and endpoint.method in {"POST", "PUT", "DELETE"}:
        assert footprint() > audit_before


def test_hidden_and_absent_look_the_same(client, personas):
    client.force_login(personas.officer_b)
    hidden = client.get(f"/units/{personas.unit_a.code}/members/?as_of=01/06/2026")
    absent = client.get("/units/99999/members/?as_of=01/06/2026")
    assert hidden.status_code == absent.status_code == 404


def test_province_supervisor_reads_every_commune_of_the_province(client, personas):
    client.force_login(personas.supervisor)
    for commune in (personas.unit_a, personas.unit_b):
        assert client.get(f"/units/{commune.code}/members/?as_of=01/06/2026").status_code == 200


def test_pre_reform_membership_does_not_reach_the_new_units(client, personas):
    client.force_login(personas.old_officer)
    assert client.get("/units/058/members/?as_of=01/06/2021").status_code == 200
    assert client.get("/units/01837/members/?as_of=01/06/2021").status_code == 200
    assert client.get("/units/01843/members/?as_of=01/06/2026").status_code == 404
