"""The English screens say what the Vietnamese ones mean."""

from django.utils import translation
from django.utils.translation import gettext, pgettext


def test_the_menu_names_the_reports_in_the_plural(client, personas):
    client.force_login(personas.officer_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '">Reports</a>' in page
    assert '">Report</a>' not in page


def test_a_plans_reporting_line_stays_one_report():
    with translation.override("en"):
        assert pgettext("a report a plan requires", "Báo cáo") == "Report"


def test_access_tokens_and_rights_are_revoked_not_withdrawn():
    with translation.override("en"):
        assert gettext("Thu hồi") == "Revoke"
