"""The repair of damaged letters: words as the seeds' PDFs lost them come back, correct text is
left exactly as it is."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vitreem.core.text import nfc
from vitreem.plans.importing.repair import repair_line

from .seeds import SEEDS, data_file

# (as extracted, as printed): taken from the seed texts
DAMAGED = [
    ("Tăng cƣờng sự lãnh đạo", "Tăng cường sự lãnh đạo"),
    ("-  hông tổ chức Lễ phát động", "- Không tổ chức Lễ phát động"),
    ("trên địa bàn thành phố Bắc  ạn;", "trên địa bàn thành phố Bắc Kạn;"),
    ("Trung t m Văn h a – TT và truyền thông", "Trung tâm Văn hóa – TT và truyền thông"),
    ("Uỷ ban nh n d n các xã  phường", "Uỷ ban nhân dân các xã, phường"),
    ("trẻ em có hoàn cảnh kh  khăn và vận", "trẻ em có hoàn cảnh khó khăn và vận"),
    (
        "các nhà hảo t m ủng hộ Quỹ Bảo trợ trẻ em các c p",
        "các nhà hảo tâm ủng hộ Quỹ Bảo trợ trẻ em các cấp",
    ),
    ("hiện c ng tác trẻ em", "hiện công tác trẻ em"),
    ("Số  ượng", "Số lượng"),
    (" inh phí", "Kinh phí"),
    ("trẻ em năm 2021với nội dung", "trẻ em năm 2021 với nội dung"),
    ("CƢỜNG", "CƯỜNG"),
]


@pytest.mark.parametrize(("damaged", "printed"), DAMAGED)
def test_damaged_words_of_the_seeds_are_repaired(damaged, printed):
    assert repair_line(damaged) == printed


def test_decomposed_letters_become_nfc():
    decomposed = unicodedata.normalize("NFD", "Bảo vệ trẻ em")
    assert decomposed != "Bảo vệ trẻ em"
    assert repair_line(decomposed) == "Bảo vệ trẻ em"


def test_list_labels_and_acronyms_are_not_words_to_mend():
    for line in (
        "c) Hoạt động chăm sóc",
        "(b) Báo cáo",
        "Lưu: VT, LĐTBXH.",
        "UBND các xã; TT HĐND",
    ):
        assert repair_line(line) == line


def _sentences() -> list[str]:
    """Every sentence of the hand-transcribed plans: correct Vietnamese as printed."""
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for key in SEEDS:
        walk(data_file(key))
    sentences = []
    for text in texts:
        for sentence in text.replace("; ", ";\n").replace(". ", ".\n").splitlines():
            sentence = nfc(sentence)
            if len(sentence.split()) >= 3:
                sentences.append(sentence)
    return sorted(set(sentences))


SENTENCES = _sentences()


def test_there_are_many_real_sentences():
    assert len(SENTENCES) > 300


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3))
def test_correct_text_is_left_unchanged(sentences):
    line = " ".join(sentences)
    assert repair_line(line) == line


def test_every_real_sentence_is_left_unchanged():
    changed = [s for s in SENTENCES if repair_line(s) != s]
    assert changed == []
