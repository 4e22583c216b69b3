"""Benchmark of the import of a plan document, end to end (prints medians; not a test).

    .venv/bin/python bench/plan_import.py [--runs N]

Reads, repairs and recognises, with the assignees matched against 15 agencies of a unit:
the Hải Phòng seed plan as text (about 30,000 characters: the body and appendix of its ten A4
pages), the Bắc Kạn seed plan (its text damaged throughout: the most repair work), and the
Hải Phòng plan printed to Word by the plan printer and read back. The first import in a fresh
process also loads the word list once; it is printed apart.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitreem.settings")

import django  # noqa: E402

django.setup()

from vitreem.documents.plans import render_plan_docx  # noqa: E402
from vitreem.plans.importing.reading import read_lines  # noqa: E402
from vitreem.plans.importing.recognise import recognise  # noqa: E402
from vitreem.plans.importing.repair import repair_lines  # noqa: E402
from vitreem.plans.loaders import DATA_DIR, read_plan_file  # noqa: E402

FIXTURES = ROOT / "vitreem" / "plans" / "importing" / "tests" / "fixtures"
AGENCIES = [
    (str(i), name)
    for i, name in enumerate(
        [
            "Sở Lao động - Thương binh và Xã hội",
            "Sở Giáo dục và Đào tạo",
            "Sở Y tế",
            "Sở Văn hóa và Thể thao",
            "Sở Thông tin và Truyền thông",
            "Sở Nội vụ",
            "Sở Tài chính",
            "Sở Tư pháp",
            "Công an thành phố",
            "Đoàn Thanh niên Cộng sản Hồ Chí Minh thành phố",
            "Hội Liên hiệp Phụ nữ thành phố",
            "Liên đoàn Lao động thành phố",
            "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố",
            "Đài Phát thanh và Truyền hình",
            "Báo Hải Phòng",
        ]
    )
]


def import_file(name: str, data: bytes) -> dict[str, object]:
    lines = repair_lines(read_lines(name, data))
    return recognise(lines, AGENCIES, repaired=True).data


def measure(label: str, action: Callable[[], object], runs: int) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<62} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    hai_phong = (FIXTURES / "hai-phong-2024-action-month.txt").read_bytes()
    bac_kan = (FIXTURES / "bac-kan-city-2021-action-month.txt").read_bytes()
    docx = render_plan_docx(read_plan_file(DATA_DIR / "hai-phong-2024-action-month.yaml"))
    start = time.perf_counter()
    import_file("hai-phong.txt", hai_phong)
    print(
        f"{'first import in a fresh process (word list loaded once)':<62} "
        f"{(time.perf_counter() - start) * 1000:8.1f} ms"
    )
    measure(
        f"Hải Phòng, 10 pages, .txt ({len(hai_phong) // 1000} kB)",
        lambda: import_file("hp.txt", hai_phong),
        runs,
    )
    measure(
        f"Bắc Kạn, damaged text, .txt ({len(bac_kan) // 1000} kB)",
        lambda: import_file("bk.txt", bac_kan),
        runs,
    )
    measure(
        f"Hải Phòng printed to Word, .docx ({len(docx) // 1000} kB)",
        lambda: import_file("hp.docx", docx),
        runs,
    )


if __name__ == "__main__":
    main()
