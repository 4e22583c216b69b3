"""The 16th birthday is the birthday itself; the record runs to the day before it."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vitreem.children.services import age_on, birthday, last_day_as_child

from .factories import register


@pytest.mark.parametrize(
    ("born", "sixteen", "last_day"),
    [
        (date(2011, 6, 2), date(2027, 6, 2), date(2027, 6, 1)),
        (date(2010, 12, 31), date(2026, 12, 31), date(2026, 12, 30)),
        (date(2011, 1, 1), date(2027, 1, 1), date(2026, 12, 31)),
        # 29/02 + 16 years is a 29/02 again, except across a century that is not a leap year.
        (date(2012, 2, 29), date(2028, 2, 29), date(2028, 2, 28)),
        (date(2084, 2, 29), date(2100, 3, 1), date(2100, 2, 28)),
    ],
)
def test_sixteenth_birthday_and_last_day_as_a_child(born, sixteen, last_day):
    assert birthday(born, 16) == sixteen
    assert last_day_as_child(born) == last_day
    assert age_on(born, last_day) == 15
    assert age_on(born, sixteen) == 16


def test_born_on_29_february_one_is_a_year_older_on_1_march_of_a_common_year():
    born = date(2012, 2, 29)
    assert birthday(born, 1) == date(2013, 3, 1)
    assert age_on(born, date(2013, 2, 28)) == 0
    assert age_on(born, date(2013, 3, 1)) == 1


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_a_child_is_15_on_the_last_day_and_16_on_the_birthday(born):
    sixteen = birthday(born, 16)
    assert last_day_as_child(born) == sixteen - timedelta(days=1)
    assert age_on(born, last_day_as_child(born)) == 15
    assert age_on(born, sixteen) == 16
    assert (sixteen.month, sixteen.day) == (born.month, born.day) or (born.month, born.day) == (
        2,
        29,
    )


@pytest.mark.django_db
def test_the_record_says_the_16th_birthday_itself(client, personas):
    child = register(personas.officer_a, personas.unit_a, born=date(2011, 6, 2))
    client.force_login(personas.officer_a)
    page = client.get(f"/children/{child.public_id}/").content.decode()
    assert "đủ 16 tuổi ngày 02/06/2027" in page
    assert "01/06/2027" not in page
