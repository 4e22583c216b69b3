"""Vietnamese text: NFC normalisation, accent folding for search, and collation for sorting."""

import re
import unicodedata

from django.utils.translation import gettext as _

# Vietnamese alphabet order (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y);
# letters outside it sort after by code point.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# Tone marks rank after the base letter: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make a letter of its own (ă â ê ô ơ ư) rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def nfc(value: str) -> str:
    """Normalise to NFC and collapse runs of white space; what every text input goes through."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def nfc_lines(value: str) -> str:
    """NFC for text of several lines (notes, narratives): each line as ``nfc``, breaks kept."""
    lines = [nfc(line) for line in unicodedata.normalize("NFC", value).splitlines()]
    return "\n".join(lines).strip("\n")


# The combining marks of Unicode's combining blocks: Vietnamese tones and letter marks among them.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(value: str) -> str:
    """Lower case, accents removed, đ → d: the form searched ("bắc kạn" → "bac kan")."""
    decomposed = unicodedata.normalize("NFD", value.lower().replace("đ", "d").replace("Đ", "d"))
    return " ".join(_MARKS.sub("", decomposed).split())


def _split_letter(cluster: str) -> tuple[str, int]:
    """A decomposed letter cluster → (the Vietnamese letter without tone, tone rank)."""
    base = cluster[0]
    tone = 0
    for mark in cluster[1:]:
        if mark in _LETTER_MARKS:
            base += mark
        else:
            tone = _TONE_RANK.get(mark, tone)
    return unicodedata.normalize("NFC", base), tone


def _clusters(decomposed: str) -> list[str]:
    clusters: list[str] = []
    for ch in decomposed:
        if clusters and unicodedata.combining(ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


def _letter_rank(letter: str) -> int:
    if letter == " ":
        return -1  # "An" < "An Giang" < "Anh"
    return _LETTER_RANK.get(letter, 100 + ord(letter[0]))


def sort_key(value: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Key for sorting by Vietnamese collation: letters first, tones as a tie-breaker."""
    pairs = [_split_letter(c) for c in _clusters(unicodedata.normalize("NFD", nfc(value).lower()))]
    return tuple(_letter_rank(letter) for letter, _ in pairs), tuple(tone for _, tone in pairs)


# Characters no honest text holds: NUL and the other C0 controls but tab, line feed and carriage
# return, DEL, and lone surrogates (UTF-16 halves no encoding can store). PostgreSQL refuses NUL
# and no database driver can encode a surrogate, so they are refused where text enters.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """The Vietnamese reason a text is refused (a control character, a lone surrogate), or None."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    return _("Văn bản chứa ký tự không hợp lệ (mã U+%(code)04X) ở vị trí %(position)s.") % {
        "code": ord(found.group()),
        "position": found.start() + 1,
    }
