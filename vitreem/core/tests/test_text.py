import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from vitreem.core.text import fold, nfc, sort_key

VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
vietnamese_text = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " ", max_size=40)


def test_fold_examples():
    assert fold("Tỉnh Bắc Kạn") == "tinh bac kan"
    assert fold("Huyện Tam Đường") == "huyen tam duong"
    assert fold("ĐẶC KHU Phú Quốc") == "dac khu phu quoc"


def test_nfc_joins_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Bắc Kạn")
    assert decomposed != "Bắc Kạn"
    assert nfc(decomposed) == "Bắc Kạn"
    assert nfc("  Bắc \t Kạn ") == "Bắc Kạn"


@given(vietnamese_text)
def test_fold_gives_plain_ascii_and_is_idempotent(text):
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert fold(folded) == folded


@given(vietnamese_text)
def test_fold_does_not_depend_on_normal_form_or_case(text):
    assert fold(unicodedata.normalize("NFD", text)) == fold(text) == fold(text.upper())


def test_vietnamese_collation_orders_letters_then_tones():
    names = [
        "Đức Xuân",
        "Dương Quang",
        "Ân Thi",
        "An Giang",
        "Anh Sơn",
        "Bắc Kạn",
        "Bạc Liêu",
        "Ô Môn",
    ]
    assert sorted(names, key=sort_key) == [
        "An Giang",
        "Anh Sơn",
        "Ân Thi",
        "Bạc Liêu",
        "Bắc Kạn",
        "Dương Quang",
        "Đức Xuân",
        "Ô Môn",
    ]


def test_collation_puts_unaccented_before_tones_of_the_same_letters():
    assert sorted(["Hòa", "Hoa", "Hóa"], key=sort_key) == ["Hoa", "Hòa", "Hóa"]


def test_nfc_lines_keeps_the_line_breaks_of_a_note():
    from vitreem.core.text import nfc_lines

    decomposed = unicodedata.normalize("NFD", "Đã khám  cho 40 em.\r\nCòn 3 em hẹn lại. ")
    assert nfc_lines(decomposed) == "Đã khám cho 40 em.\nCòn 3 em hẹn lại."


def test_text_problem_refuses_controls_and_lone_surrogates_but_not_tabs_breaks_or_vietnamese():
    from vitreem.core.text import text_problem

    for bad in ["\x00", "a\x1bb", "\ud800", "x\udfff", "\x7f"]:
        assert text_problem(bad)
    for good in ["Nguyễn Thị Lan", "a\tb\r\nc", "\u202eabc", "=1+1", ""]:
        assert text_problem(good) is None
