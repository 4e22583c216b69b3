"""Names as an official writes them, for the pages, the Word documents and the workbooks alike.

A unit's kind is a common noun: lower case inside a sentence ("phường Sông Cầu"), a capital only
at the start of a line ("Phường Sông Cầu"); a document header is all upper case ("ỦY BAN NHÂN
DÂN PHƯỜNG SÔNG CẦU"), never title case. An agency of a unit names the unit's kind once
("Công an thành phố Bắc Kạn"), and an address names the unit once.
"""

from .loaders import NAME_PREFIX
from .models import AdministrativeUnit, Agency, Kind

COMMITTEE = "Ủy ban nhân dân"


def kind_word(unit: AdministrativeUnit) -> str:
    """The unit's kind as a common noun: "phường", "thành phố", "đặc khu"."""
    return NAME_PREFIX[Kind(unit.kind)].lower()


def unit_phrase(unit: AdministrativeUnit) -> str:
    """The unit inside a sentence: "phường Sông Cầu", "thành phố Bắc Kạn"."""
    return f"{kind_word(unit)} {unit.short_name}"


def unit_title(unit: AdministrativeUnit) -> str:
    """The unit at the start of a line: "Phường Sông Cầu"."""
    return f"{NAME_PREFIX[Kind(unit.kind)]} {unit.short_name}"


def committee(unit: AdministrativeUnit) -> str:
    """The people's committee in a sentence: "Ủy ban nhân dân phường Sông Cầu"."""
    return f"{COMMITTEE} {unit_phrase(unit)}"


def committee_header(unit: AdministrativeUnit) -> str:
    """The committee in a document header: "ỦY BAN NHÂN DÂN PHƯỜNG SÔNG CẦU"."""
    return committee(unit).upper()


def agency_name(name: str, unit: AdministrativeUnit) -> str:
    """An agency of the unit by its full name, the kind said once: "Công an thành phố" of
    thành phố Bắc Kạn is "Công an thành phố Bắc Kạn"; a name that already carries the unit's
    name is kept; a name without the kind ("Phòng Tư pháp") is kept as the unit's page shows it.
    """
    word = kind_word(unit)
    stem = name.strip()
    for written in (unit.name, unit_phrase(unit)):
        if stem.casefold().endswith(f" {written.casefold()}"):
            stem = stem[: -len(written)].rstrip()
            break
    else:
        if not stem.casefold().endswith(f" {word}"):
            return name
    if stem.casefold().endswith(f" {word}"):
        stem = stem[: -len(word)].rstrip()
    return f"{stem} {unit_phrase(unit)}"


def agency_full_name(agency: Agency) -> str:
    return agency_name(agency.name, agency.unit)


def address(place: str, unit: AdministrativeUnit) -> str:
    """An address in the unit, the unit named once: "Tổ 3, phường Bắc Kạn"."""
    parts = [p.strip() for p in place.split(",") if p.strip()]
    names = {unit.name.casefold(), unit_phrase(unit).casefold(), unit.short_name.casefold()}
    kept = [p for p in parts if p.casefold() not in names]
    return ", ".join([*kept, unit_phrase(unit)])


def agency_label(agency: Agency) -> str:
    """An agency in a list of several units' agencies: its full name, and the unit after a dash
    where the name does not already say it ("Phòng Tư pháp — Thành phố Bắc Kạn")."""
    full = agency_full_name(agency)
    if full.endswith(unit_phrase(agency.unit)):
        return full
    return f"{full} — {unit_title(agency.unit)}"
