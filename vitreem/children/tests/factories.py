"""Children for tests, registered through the services as an officer would."""

from datetime import date
from itertools import count

from vitreem.children.services import ChildData, child_register

_serial = count(1)
TODAY = date(2026, 6, 15)


def register(actor, unit, *, name: str | None = None, born: date = date(2018, 3, 4), **fields):
    today = fields.pop("today", TODAY)
    data = ChildData(
        full_name=name or f"Nguyễn Văn Thử {next(_serial)}",
        date_of_birth=born,
        sex=fields.pop("sex", "male"),
        **fields,
    )
    return child_register(actor=actor, unit=unit, data=data, today=today)
