"""Registry operations: register and correct a child, circumstances, support, consent, reads.

Messages name the rule in Vietnamese; a refusal changes nothing. Audit events never carry a
child's personal data, only the opaque public id.
"""

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vitreem.accounts.access import Action, can_read_sensitive, require
from vitreem.accounts.models import User
from vitreem.core import bounds, logs
from vitreem.core.audit import audit_record
from vitreem.core.text import fold, nfc
from vitreem.units.models import AdministrativeUnit, Agency, Level

from . import catalogue
from .models import (
    Child,
    ChildRead,
    Circumstance,
    Consent,
    DisabilityLevel,
    FundingSource,
    Occasion,
    PossibleDuplicate,
    Relation,
    Sex,
    SupportKind,
    SupportRecord,
    SurgeryKind,
)

CHILD_AGE_LIMIT = 16  # Law on Children 2016, Article 1
CONSENT_AGE = 7  # Law on Children Art. 6.11: a child of 7 or more consents too
LAW_2016_IN_FORCE = date(2017, 6, 1)
AGED_OUT = "Đủ 16 tuổi"  # the end reason of a record that runs to the 16th birthday
_PERSONAL_ID = re.compile(r"^\d{12}$")
_INSURANCE = re.compile(r"^[A-Z0-9]{10}$|^[A-Z]{2}\d{13}$")
_PHONE = re.compile(r"^0\d{8,10}$")
# The choices' values, computed once: ``Choices.values`` builds a new list on every access, and
# imports check tens of thousands of rows.
_VALUES = {
    choices: frozenset(choices.values)
    for choices in (
        Sex,
        Relation,
        DisabilityLevel,
        SupportKind,
        SurgeryKind,
        FundingSource,
        Occasion,
    )
}


def birthday(born: date, years: int) -> date:
    """The day a person born on ``born`` turns ``years``.

    Born on 29/02, one turns a year older on 01/03 when the year has no 29/02: the years are
    complete only once 28/02 has passed (the reading of completed years, "đủ ... tuổi").
    """
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def last_day_as_child(born: date) -> date:
    return birthday(born, CHILD_AGE_LIMIT) - timedelta(days=1)


def _d(value: date) -> str:
    return value.strftime("%d/%m/%Y")


@dataclass
class ChildData:
    """What an officer enters about a child; every text arrives raw and leaves NFC."""

    full_name: str
    date_of_birth: date
    sex: str
    ethnicity: str = ""
    personal_id: str = ""
    address: str = ""
    representative_name: str = ""
    representative_relation: str = ""
    representative_phone: str = ""
    disability_level: str = ""
    insurance_number: str = ""
    insurance_valid_to: date | None = None

    def cleaned(self, today: date, age_day: date | None = None) -> "ChildData":
        """Normalised copy, or ValidationError naming every bad field (nothing is saved).

        The child must be under 16 on ``age_day`` (the day of registration; today by default).
        """
        age_day = age_day or today
        errors: dict[str, str] = {}
        data = ChildData.__new__(ChildData)  # a copy, without copy.copy's generic machinery
        data.__dict__.update(self.__dict__)
        fields = data.__dict__
        for name in _TEXT_FIELDS:
            if value := fields[name]:
                fields[name] = nfc(value)
        data.personal_id = data.personal_id.replace(" ", "")
        data.insurance_number = data.insurance_number.replace(" ", "").upper()
        data.representative_phone = _PHONE_NOISE.sub("", data.representative_phone)
        if not data.full_name:
            errors["full_name"] = _("Hãy nhập họ và tên của trẻ em.")
        born = data.date_of_birth
        if born > today:
            errors["date_of_birth"] = _("Ngày sinh %(day)s ở trong tương lai.") % {"day": _d(born)}
        elif age_on(born, age_day) >= CHILD_AGE_LIMIT:
            errors["date_of_birth"] = _(
                "Trẻ em là người dưới 16 tuổi (Luật Trẻ em, Điều 1): sinh ngày %(day)s thì "
                "đã đủ %(age)s tuổi vào ngày %(today)s."
            ) % {"day": _d(born), "age": age_on(born, age_day), "today": _d(age_day)}
        if data.insurance_valid_to and (
            problem := bounds.day_problem(data.insurance_valid_to, later=True)
        ):
            errors["insurance_valid_to"] = problem
        if data.sex not in _VALUES[Sex]:
            errors["sex"] = _("Hãy chọn giới tính.")
        if data.ethnicity and data.ethnicity not in catalogue.ethnicities():
            errors["ethnicity"] = _("Mã dân tộc “%(code)s” không có trong danh mục 54 dân tộc.") % {
                "code": data.ethnicity
            }
        if data.personal_id and not _PERSONAL_ID.match(data.personal_id):
            errors["personal_id"] = _("Số định danh cá nhân gồm đúng 12 chữ số.")
        if data.representative_relation and data.representative_relation not in _VALUES[Relation]:
            errors["representative_relation"] = _("Quan hệ với trẻ không hợp lệ.")
        if data.representative_phone and not _PHONE.match(data.representative_phone):
            errors["representative_phone"] = _(
                "Số điện thoại gồm 10 hoặc 11 chữ số, bắt đầu bằng 0."
            )
        if data.disability_level and data.disability_level not in _VALUES[DisabilityLevel]:
            errors["disability_level"] = _("Mức độ khuyết tật không hợp lệ.")
        if data.insurance_number and not _INSURANCE.match(data.insurance_number):
            errors["insurance_number"] = _(
                "Số thẻ BHYT gồm 10 chữ số (mã số BHXH) hoặc 15 ký tự (2 chữ cái và 13 chữ số)."
            )
        if data.insurance_valid_to and data.insurance_valid_to < born:
            errors["insurance_valid_to"] = _("Hạn thẻ BHYT không được trước ngày sinh.")
        if errors:
            raise ValidationError(errors)
        return data


_TEXT_FIELDS = tuple(f.name for f in fields(ChildData) if f.type in (str, "str"))
_PHONE_NOISE = re.compile(r"[\s.\-]")


def _check_commune(unit: AdministrativeUnit, day: date) -> None:
    if unit.level != Level.COMMUNE:
        raise ValidationError(
            {"unit": _("Trẻ em được đăng ký tại xã, phường, đặc khu nơi cư trú.")}
        )
    if not unit.is_in_force_on(day):
        raise ValidationError(
            {
                "unit": _("%(unit)s không còn tồn tại vào ngày %(day)s.")
                % {"unit": unit.name, "day": _d(day)}
            }
        )


def possible_duplicates(
    unit: AdministrativeUnit, full_name: str, born: date, exclude: int | None = None
) -> list[Child]:
    """Records of the same commune with the same name (accents and case ignored) and birthday."""
    found = Child.objects.filter(unit=unit, name_folded=fold(full_name), date_of_birth=born)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return list(found)


def _apply(child: Child, data: ChildData) -> None:
    for f in fields(data):
        value = getattr(data, f.name)
        setattr(child, f.name, value if f.name != "personal_id" else (value or None))
    child.name_folded = fold(data.full_name)


def _save_child(child: Child) -> None:
    try:
        with transaction.atomic():
            child.full_clean(exclude=["unit", "province", "registered_by"], validate_unique=False)
            child.save()
    except IntegrityError as error:
        raise ValidationError(
            {"personal_id": _("Số định danh cá nhân này đã có trong một hồ sơ khác.")}
        ) from error


def child_register(
    *,
    actor: User,
    unit: AdministrativeUnit,
    data: ChildData,
    today: date | None = None,
    allow_duplicate: bool = False,
) -> Child:
    """Register a child in its commune. A record with the same name and birthday in the same
    commune is refused unless ``allow_duplicate``, and then flagged, never merged."""
    require(actor, Action.ENTER, unit)
    today = today or timezone.localdate()
    data = data.cleaned(today)
    _check_commune(unit, today)
    if data.personal_id and Child.objects.filter(personal_id=data.personal_id).exists():
        raise ValidationError(
            {"personal_id": _("Số định danh cá nhân này đã có trong một hồ sơ khác.")}
        )
    twins = possible_duplicates(unit, data.full_name, data.date_of_birth)
    if twins and not allow_duplicate:
        raise PossibleDuplicateError(twins)
    with transaction.atomic():
        child = Child(unit=unit, province=unit.province, registered_on=today, registered_by=actor)
        _apply(child, data)
        _save_child(child)
        PossibleDuplicate.objects.bulk_create(
            PossibleDuplicate(child=child, other=twin, reason=DUPLICATE_REASON) for twin in twins
        )
        audit_record(
            actor=actor,
            action="child.register",
            target=child,
            unit=unit,
            data={"public_id": child.public_id, "possible_duplicates": len(twins)},
        )
    return child


DUPLICATE_REASON = "Cùng họ tên, ngày sinh và xã, phường"


class PossibleDuplicateError(ValidationError):
    def __init__(self, twins: list[Child]) -> None:
        self.twins = twins
        super().__init__(
            _(
                "Xã, phường đã có %(count)s hồ sơ cùng họ tên và ngày sinh. Hãy kiểm tra; nếu "
                "đúng là trẻ khác, chọn “Vẫn đăng ký” để lưu và đánh dấu có thể trùng."
            )
            % {"count": len(twins)}
        )


def child_update(*, actor: User, child: Child, data: ChildData, today: date | None = None) -> Child:
    """Correct a child's record (its commune stays: a move is registered by the new commune)."""
    require(actor, Action.ENTER, child.unit)
    today = today or timezone.localdate()
    data = data.cleaned(today, age_day=child.registered_on)
    if (
        data.personal_id
        and Child.objects.filter(personal_id=data.personal_id).exclude(pk=child.pk).exists()
    ):
        raise ValidationError(
            {"personal_id": _("Số định danh cá nhân này đã có trong một hồ sơ khác.")}
        )
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child.pk)
        changed = [
            f.name
            for f in fields(data)
            if (getattr(child, f.name) or "") != (getattr(data, f.name) or "")
        ]
        _apply(child, data)
        _save_child(child)
        audit_record(
            actor=actor,
            action="child.update",
            target=child,
            unit=child.unit,
            data={"public_id": child.public_id, "fields": changed},
        )
    return child


def circumstance_add(
    *,
    actor: User,
    child: Child,
    group: str,
    started_on: date,
    subgroup: str = "",
    ended_on: date | None = None,
    legal_basis: str = catalogue.LAW_2016,
    end_reason: str = "",
    today: date | None = None,
) -> Circumstance:
    """Place a child in a group from a date; without an end date the child leaves the group the
    day before turning 16, so counts at any date need nothing but the dates."""
    require(actor, Action.ENTER, child.unit)
    today = today or timezone.localdate()
    known = catalogue.groups()
    if group not in known or known[group].basis != legal_basis:
        raise ValidationError({"group": _("Nhóm hoàn cảnh không thuộc căn cứ pháp lý đã chọn.")})
    if subgroup and subgroup not in dict(known[group].subgroups):
        raise ValidationError({"subgroup": _("Nhóm chi tiết không thuộc nhóm đã chọn.")})
    if legal_basis == catalogue.LAW_2016 and started_on < LAW_2016_IN_FORCE:
        raise ValidationError(
            {
                "started_on": _(
                    "Luật Trẻ em 2016 có hiệu lực từ 01/06/2017; hồ sơ trước đó theo Luật 2004."
                )
            }
        )
    if legal_basis == catalogue.LAW_2004 and started_on >= LAW_2016_IN_FORCE:
        raise ValidationError(
            {"started_on": _("Từ 01/06/2017 trẻ em được phân nhóm theo Luật Trẻ em 2016.")}
        )
    if started_on < child.date_of_birth:
        raise ValidationError({"started_on": _("Ngày bắt đầu không được trước ngày sinh.")})
    if started_on > today:
        raise ValidationError({"started_on": _("Ngày bắt đầu ở trong tương lai.")})
    last = last_day_as_child(child.date_of_birth)
    if started_on > last:
        raise ValidationError({"started_on": _("Ngày bắt đầu sau khi trẻ đã đủ 16 tuổi.")})
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": _("Ngày kết thúc không được trước ngày bắt đầu.")})
    if ended_on is None or ended_on > last:
        ended_on, end_reason = last, AGED_OUT  # stored data: Vietnamese in any UI
    with transaction.atomic():
        Child.objects.select_for_update().filter(pk=child.pk).first()  # one change at a time
        overlapping = Circumstance.objects.filter(
            child=child, group=group, started_on__lte=ended_on, ended_on__gte=started_on
        )
        if overlapping.exists():
            raise ValidationError(
                {"group": _("Trẻ em đã thuộc nhóm này trong một phần khoảng thời gian đó.")}
            )
        circumstance = Circumstance(
            child=child,
            legal_basis=legal_basis,
            group=group,
            subgroup=subgroup,
            started_on=started_on,
            ended_on=ended_on,
            end_reason=nfc(end_reason),
            unit_id=child.unit_id,
            province_id=child.province_id,
            recorded_by=actor,
        )
        circumstance.full_clean(exclude=["child", "unit", "province", "recorded_by"])
        circumstance.save()
        audit_record(
            actor=actor,
            action="child.circumstance.add",
            target=child,
            unit=child.unit,
            data={"public_id": child.public_id, "circumstance": circumstance.pk},
        )
    return circumstance


def circumstance_end(
    *, actor: User, circumstance: Circumstance, ended_on: date, reason: str
) -> Circumstance:
    child = circumstance.child
    require(actor, Action.ENTER, child.unit)
    reason = nfc(reason)
    if not reason:
        raise ValidationError({"end_reason": _("Hãy ghi lý do trẻ em ra khỏi nhóm.")})
    if ended_on < circumstance.started_on:
        raise ValidationError({"ended_on": _("Ngày kết thúc không được trước ngày bắt đầu.")})
    if circumstance.ended_on is not None and ended_on > circumstance.ended_on:
        raise ValidationError(
            {
                "ended_on": _("Trẻ em đã ra khỏi nhóm từ ngày %(day)s.")
                % {"day": _d(circumstance.ended_on)}
            }
        )
    with transaction.atomic():
        circumstance.ended_on = ended_on
        circumstance.end_reason = reason
        circumstance.save(update_fields=["ended_on", "end_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="child.circumstance.end",
            target=child,
            unit=child.unit,
            data={"public_id": child.public_id, "circumstance": circumstance.pk},
        )
    return circumstance


@dataclass
class SupportData:
    kind: str
    given_on: date
    value: int
    source: str
    occasion: str
    surgery_kind: str = ""
    description: str = ""
    giver_agency: Agency | None = None


def support_check(child: Child, data: SupportData, today: date) -> None:
    """Every rule of a support record, each named; used by entry, import and the fund."""
    errors: dict[str, str] = {}
    if data.kind not in _VALUES[SupportKind]:
        errors["kind"] = _("Hình thức hỗ trợ không hợp lệ.")
    if data.kind == SupportKind.SURGERY and data.surgery_kind not in _VALUES[SurgeryKind]:
        errors["surgery_kind"] = _(
            "Hãy chọn loại phẫu thuật (mắt, môi, tim, vận động, dị tật khác)."
        )
    if data.kind != SupportKind.SURGERY and data.surgery_kind:
        errors["surgery_kind"] = _("Chỉ ghi loại phẫu thuật cho hình thức phẫu thuật.")
    if isinstance(data.value, bool) or not isinstance(data.value, int):
        errors["value"] = _("Giá trị phải là số đồng nguyên.")
    elif data.value < 0:
        errors["value"] = _("Giá trị hỗ trợ không được âm.")
    elif problem := bounds.money_problem(data.value):
        errors["value"] = problem
    if data.source not in _VALUES[FundingSource]:
        errors["source"] = _("Nguồn kinh phí không hợp lệ.")
    if data.occasion not in _VALUES[Occasion]:
        errors["occasion"] = _("Dịp hỗ trợ không hợp lệ.")
    if data.given_on > today:
        errors["given_on"] = _("Ngày hỗ trợ ở trong tương lai.")
    elif problem := bounds.day_problem(data.given_on):
        errors["given_on"] = problem
    elif data.given_on < child.date_of_birth:
        errors["given_on"] = _("Ngày hỗ trợ trước ngày sinh của trẻ.")
    elif data.given_on > last_day_as_child(child.date_of_birth):
        errors["given_on"] = _("Ngày hỗ trợ sau khi trẻ đã đủ 16 tuổi.")
    agency = data.giver_agency
    if agency is not None and agency.unit_id not in {
        child.unit_id,
        child.unit.district_id,
        child.unit.province_id,
    }:
        errors["giver_agency"] = _("Cơ quan hỗ trợ phải thuộc xã, phường của trẻ hoặc cấp trên.")
    if errors:
        raise ValidationError(errors)


def support_record_add(
    *,
    actor: User,
    child: Child,
    data: SupportData,
    today: date | None = None,
    paid_by_fund: bool = False,
) -> SupportRecord:
    """Record what a child received. Support paid by a fund is recorded with its disbursement
    by the fund's service (``paid_by_fund``), so that the ledger and the child's record agree."""
    if not paid_by_fund:
        require(actor, Action.ENTER, child.unit)
        if data.source == FundingSource.FUND:
            raise ValidationError(
                {
                    "source": _(
                        "Hỗ trợ từ Quỹ Bảo trợ trẻ em được ghi từ trang của quỹ, kèm phiếu chi."
                    )
                }
            )
    today = today or timezone.localdate()
    support_check(child, data, today)
    with transaction.atomic():
        record = SupportRecord(
            child=child,
            kind=data.kind,
            surgery_kind=data.surgery_kind,
            given_on=data.given_on,
            value=data.value,
            source=data.source,
            occasion=data.occasion,
            description=nfc(data.description),
            giver_unit=data.giver_agency.unit if data.giver_agency else child.unit,
            giver_agency=data.giver_agency,
            unit_id=child.unit_id,
            province_id=child.province_id,
            recorded_by=actor,
        )
        record.save()
        audit_record(
            actor=actor,
            action="child.support.add",
            target=child,
            unit=child.unit,
            data={"public_id": child.public_id, "support": record.pk, "kind": data.kind},
        )
    return record


def consent_record(
    *,
    actor: User,
    child: Child,
    purpose: str,
    given_on: date,
    representative_name: str,
    child_agreed: bool,
    today: date | None = None,
) -> Consent:
    require(actor, Action.ENTER, child.unit)
    today = today or timezone.localdate()
    representative_name = nfc(representative_name)
    errors: dict[str, str] = {}
    if not representative_name:
        errors["representative_name"] = _("Hãy ghi tên người đại diện hợp pháp đã đồng ý.")
    if given_on > today:
        errors["given_on"] = _("Ngày đồng ý ở trong tương lai.")
    elif age_on(child.date_of_birth, given_on) >= CONSENT_AGE and not child_agreed:
        errors["child_agreed"] = _(
            "Trẻ em từ đủ 7 tuổi phải cùng đồng ý (Luật Trẻ em, Điều 6 khoản 11)."
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        consent = Consent(
            child=child,
            purpose=purpose,
            given_on=given_on,
            representative_name=representative_name,
            child_agreed=child_agreed,
            recorded_by=actor,
        )
        consent.full_clean(exclude=["child", "recorded_by"])
        consent.save()
        audit_record(
            actor=actor,
            action="child.consent.record",
            target=child,
            unit=child.unit,
            data={"public_id": child.public_id, "purpose": purpose},
        )
    return consent


def consent_withdraw(
    *, actor: User, consent: Consent, withdrawn_on: date, note: str = ""
) -> Consent:
    child = consent.child
    require(actor, Action.ENTER, child.unit)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("Sự đồng ý này đã được rút lại."))
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("Ngày rút lại không được trước ngày đồng ý.")})
    with transaction.atomic():
        consent.withdrawn_on = withdrawn_on
        consent.withdrawal_note = nfc(note)
        consent.save(update_fields=["withdrawn_on", "withdrawal_note", "updated_at"])
        audit_record(
            actor=actor,
            action="child.consent.withdraw",
            target=child,
            unit=child.unit,
            data={"public_id": child.public_id, "purpose": consent.purpose},
        )
    return consent


def duplicate_resolve(*, actor: User, duplicate: PossibleDuplicate) -> PossibleDuplicate:
    """Mark a flagged pair as two different children (after checking them)."""
    require(actor, Action.ENTER, duplicate.child.unit)
    duplicate.resolved_at = timezone.now()
    duplicate.resolved_by = actor
    duplicate.save(update_fields=["resolved_at", "resolved_by"])
    return duplicate


def reads_record(*, user: User, children: Iterable[Child], via: str) -> int:
    """Log that the user read these records (and whether sensitive fields were shown), under
    the id this server gave the request that read them (never the client's X-Request-ID:
    reads made in many requests must not look like one); outside a request, a new id."""
    request_id = logs.served_id.get()
    if request_id == "-":
        request_id = uuid.uuid4().hex
    rows = [
        ChildRead(
            child=child,
            user=user,
            via=via,
            unit_id=child.unit_id,
            sensitive=can_read_sensitive(user, child.unit),
            request_id=request_id,
        )
        for child in children
    ]
    ChildRead.objects.bulk_create(rows)
    return len(rows)


def export_record(*, actor: User, unit: AdministrativeUnit, count: int) -> None:
    """A list of children left the system: who, when, how many (the reads name each child)."""
    audit_record(
        actor=actor, action="children.export", target=unit, unit=unit, data={"count": count}
    )


@dataclass
class SuccessionMove:
    children: int = 0
    circumstances: int = 0
    communes: int = 0


def children_follow_succession(*, actor: User | None, day: date) -> SuccessionMove:
    """Move the records of children registered in communes that ended the day before ``day``
    (the reform of 1/7/2025) to each commune's default successor: the old commune stays in the
    child's residences, up to the day before; the groups the child is still in on the day go
    with the record, those ended before stay where they were, and so does the support given
    then. Run again, it finds nothing left to move. One transaction."""
    from vitreem.units.models import Succession

    from .models import ChildResidence, Circumstance

    moved = SuccessionMove()
    last_day = day - timedelta(days=1)
    links = (
        Succession.objects.filter(
            is_default=True,
            successor__level=Level.COMMUNE,
            predecessor__level=Level.COMMUNE,
            predecessor__valid_to__lt=day,
            predecessor__in=Child.objects.values("unit_id"),
        )
        .select_related("predecessor", "successor")
        .order_by("predecessor__code")
    )
    reason = _("Sắp xếp đơn vị hành chính, hiệu lực từ ngày %(day)s") % {"day": _d(day)}
    with transaction.atomic():
        for link in links:
            old, new = link.predecessor, link.successor
            children = Child.objects.select_for_update().filter(unit=old)
            ids = list(children.values_list("pk", flat=True))
            if not ids:
                continue
            ChildResidence.objects.bulk_create(
                [
                    ChildResidence(
                        child_id=pk,
                        unit=old,
                        from_on=min(registered, last_day),
                        to_on=last_day,
                        reason=reason,
                    )
                    for pk, registered in children.values_list("pk", "registered_on")
                ],
                ignore_conflicts=True,
            )
            Child.objects.filter(pk__in=ids).update(unit=new, province=new.province_id)
            open_groups = Circumstance.objects.filter(child_id__in=ids, unit=old).exclude(
                ended_on__lt=day
            )
            moved.circumstances += open_groups.update(unit=new, province=new.province_id)
            moved.children += len(ids)
            moved.communes += 1
            audit_record(
                actor=actor,
                action="children.succession",
                target=new,
                unit=new,
                data={"from": old.code, "children": len(ids)},
            )
    return moved
