"""The demo accounts, one per role (README lists them). Passwords are for demo mode only."""

from dataclasses import dataclass
from datetime import date

DEMO_PASSWORD = "vitreem"
PRE_REFORM_DAY = date(2021, 6, 1)
CURRENT_DAY = date(2026, 6, 1)


@dataclass(frozen=True)
class Persona:
    username: str
    full_name: str
    position: str
    role: str
    unit_code: str
    as_of: date
    sensitive: bool = False  # may see children's sensitive data


PERSONAS = [
    Persona(
        "canbo.backan",
        "Nguyễn Thị Hà",
        "Công chức Phòng Văn hóa - Xã hội",
        "officer",
        "01843",
        CURRENT_DAY,
        sensitive=True,
    ),
    Persona(
        "lanhdao.backan",
        "Hoàng Văn Tuấn",
        "Phó Chủ tịch UBND phường",
        "leader",
        "01843",
        CURRENT_DAY,
        sensitive=True,
    ),
    Persona(
        "canbo.phandinhphung",
        "Trần Minh Châu",
        "Công chức Phòng Văn hóa - Xã hội",
        "officer",
        "05443",
        CURRENT_DAY,
    ),
    Persona(
        "giamsat.thainguyen", "Lê Thu Trang", "Phó Giám đốc Sở Y tế", "leader", "19", CURRENT_DAY
    ),
    Persona("xem.thainguyen", "Đặng Quốc Việt", "Chuyên viên Sở Y tế", "viewer", "19", CURRENT_DAY),
    Persona(
        "canbo.tpbackan",
        "Ma Thị Lan",
        "Chuyên viên Phòng LĐ-TB&XH thành phố",
        "officer",
        "058",
        PRE_REFORM_DAY,
        sensitive=True,
    ),
    Persona(
        "lanhdao.tpbackan",
        "Nông Văn Hùng",
        "Phó Chủ tịch UBND thành phố",
        "leader",
        "058",
        PRE_REFORM_DAY,
        sensitive=True,
    ),
    Persona(
        "lanhdao.songcau",
        "Lường Văn Thắng",
        "Phó Chủ tịch UBND phường",
        "leader",
        "01837",
        PRE_REFORM_DAY,
    ),
    Persona(
        "canbo.songcau",
        "Lường Thị Mai",
        "Công chức Văn hóa - Xã hội phường",
        "officer",
        "01837",
        PRE_REFORM_DAY,
        sensitive=True,
    ),
]


@dataclass(frozen=True)
class AgencyPersona:
    """A member of an agency of a unit: reaches the agency's tasks, reports and plans only."""

    username: str
    full_name: str
    position: str
    role: str
    unit_code: str
    as_of: date
    agency_name: str  # as the standard agencies name it (units/data/agencies.yaml)
    agency_kind: str
    added_by: str  # the unit's leader who gave the role, as the inbox tells it
    added_on: date


AGENCY_PERSONAS = [
    AgencyPersona(
        "congan.backan",
        "Triệu Văn Dũng",
        "Cán bộ Công an phường",
        "officer",
        "01843",
        CURRENT_DAY,
        "Công an phường",
        "police",
        "lanhdao.backan",
        date(2026, 5, 14),
    ),
    AgencyPersona(
        "tramyte.backan",
        "Hà Thị Thu",
        "Y sĩ Trạm Y tế phường",
        "officer",
        "01843",
        CURRENT_DAY,
        "Trạm Y tế phường",
        "health",
        "lanhdao.backan",
        date(2026, 5, 14),
    ),
]
# The 2026 plan of phường Bắc Kạn, whose tasks the agency personas carry.
WARD_PLAN_KEY = "phuong-bac-kan-2026-action-month"

# Units whose standard agencies the demo creates: the personas' units and those around them.
AGENCY_UNITS = [
    ("06", PRE_REFORM_DAY),  # Tỉnh Bắc Kạn
    ("058", PRE_REFORM_DAY),  # Thành phố Bắc Kạn, and its wards and communes below
    ("106", PRE_REFORM_DAY),  # Huyện Tam Đường (Lai Châu)
    ("31", PRE_REFORM_DAY),  # Thành phố Hải Phòng
    ("19", CURRENT_DAY),  # Tỉnh Thái Nguyên, and its communes below
]

# The plan cascade of the demo: wards of Bắc Kạn city implementing the city plan of 2021.
CITY_PLAN_KEY = "bac-kan-city-2021-action-month"
COMMUNE_PLANS = [("01837", True), ("01852", False)]  # Phường Sông Cầu issued, Xã Nông Thượng draft
COMMUNE_TASK_AGENCIES = [
    "Trạm Y tế phường",
    "Đoàn Thanh niên phường",
    "Hội Liên hiệp Phụ nữ phường",
]
