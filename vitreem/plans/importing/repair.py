"""Repair of Vietnamese text damaged by PDF extraction; correct text is left as it is.

Three kinds of damage are common in the text taken from the PDFs officials hold:

- a glyph of a legacy font read as another character (``ƣ`` for ``ư``, ``Ƣ`` for ``Ư``), and
  letters in decomposed form: NFC and a table of known substitutions repair them;
- a letter the font could not map, dropped and left as a space: ``nh n d n`` for ``nhân dân``,
  ``Bắc  ạn`` for ``Bắc Kạn``, ``kh  khăn`` for ``khó khăn``. A fragment that is not a
  Vietnamese syllable is mended only when putting back one of the letters such fonts lose makes
  it a syllable of the word list (wordfreq's Vietnamese list); the most frequent one wins.
- punctuation dropped in the same way (``2  Tổ chức`` for ``2. Tổ chức``): the recogniser reads
  a numbering followed by two spaces as numbered.

A fragment that is a syllable, a number or an acronym is never touched, so a correct sentence
comes out as it went in.
"""

import re
import unicodedata
from functools import lru_cache

GLYPHS = str.maketrans(
    {
        "ƣ": "ư",  # the ư of the VNI/TCVN3 fonts, mapped to U+01A3 by many PDF writers
        "Ƣ": "Ư",
        "\u00a0": " ",
        "\u200b": "",
        "\ufeff": "",
        "\t": " ",
    }
)

# The letters the legacy fonts lose, as they were lost (case included): seen in the documents.
DROPPED = ("â", "ấ", "ó", "ô", "K", "l", "ầ", "ơ", "ố", "ư")

_TOKEN = re.compile(r"\S+")
_CORE = re.compile(r"^([^\w]*)(\w+)([^\w]*)$")


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Vietnamese syllables, lower case NFC, from the word list of wordfreq."""
    from wordfreq import top_n_list

    return frozenset(unicodedata.normalize("NFC", w) for w in top_n_list("vi", 100_000))


@lru_cache(maxsize=4096)
def _frequency(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "vi")


_VOWELS = frozenset("aeiouy")


def _has_vowel(word: str) -> bool:
    base = unicodedata.normalize("NFD", word.lower())
    return any(c in _VOWELS for c in base)


def is_syllable(word: str) -> bool:
    """A syllable of the word list that has a vowel (the list also holds lone consonants, the
    abbreviations of other languages' texts)."""
    return _has_vowel(word) and word.lower() in syllables()


# A syllable next to a double space may still be a fragment (``-  hông`` for ``- Không``): it is
# mended only when the mended word is this much more frequent (Zipf scale: 100 times).
_MARGIN = 2.0


def _needs_repair(core: str) -> bool:
    """A fragment of letters only that is not a syllable, nor an acronym (UBND, TT, KH)."""
    if not core.isalpha() or is_syllable(core):
        return False
    return not (len(core) >= 2 and sum(c.isupper() for c in core) >= 2)


# a year glued to the next word when a line break was lost ("năm 2021với")
_GLUED_YEAR = re.compile(r"\b((?:19|20)\d\d)([a-zđà-ỹ]{2,})\b")


def _unglue(match: re.Match[str]) -> str:
    year, word = match.groups()
    return f"{year} {word}" if is_syllable(word) else match.group(0)


def repair_line(line: str) -> str:
    """One line repaired: glyphs, NFC, dropped letters. White space is kept as it was."""
    line = unicodedata.normalize("NFC", line.translate(GLYPHS))
    line = _GLUED_YEAR.sub(_unglue, line)
    if not any(c.isalpha() for c in line):
        return line
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(line)]
    if not spans:
        return line
    tokens = [line[a:b] for a, b in spans]
    gaps_before = [spans[0][0]] + [spans[i][0] - spans[i - 1][1] for i in range(1, len(spans))]
    gaps_after = [*gaps_before[1:], len(line) - spans[-1][1]]
    out = list(tokens)
    gaps = [line[spans[i][1] : spans[i + 1][0]] for i in range(len(spans) - 1)]
    gaps.append(line[spans[-1][1] :])
    head = line[: spans[0][0]]
    mended = False
    i = 0
    while i < len(tokens):
        match = _CORE.match(out[i])
        if match is None:
            i += 1
            continue
        lead, core, tail = match.groups()
        if len(core) == 1 and (tail[:1] in (")", ".") or lead.endswith("(")):
            i += 1  # a list label: "a)", "(b)", "c."
            continue
        if not _needs_repair(core):
            side = _frequent_mend(core, lead, tail, gaps_before[i], gaps_after[i])
        else:
            side = _mend(core, lead, tail, i, tokens, gaps_before, gaps_after)
        if side is None:
            i += 1
            continue
        word, where = side
        mended = True
        if where == "join":
            nxt = _CORE.match(tokens[i + 1])
            assert nxt is not None
            out[i] = lead + word + nxt.group(3)
            out[i + 1] = ""
            gaps[i] = ""
            i += 2
            continue
        out[i] = lead + word + tail
        # the space the lost letter left is taken back
        if where == "start":
            if i == 0:
                head = head[:-1]
            else:
                gaps[i - 1] = gaps[i - 1][:-1]
        elif gaps[i].startswith(" "):
            gaps[i] = gaps[i][1:]
        i += 1
    if mended:  # the punctuation of a damaged line was lost as its letters were
        gaps = [
            ", "
            if gap == "  " and k + 1 < len(out) and _word_like(out[k]) and _word_like(out[k + 1])
            else gap
            for k, gap in enumerate(gaps)
        ]
    return head + "".join(token + gap for token, gap in zip(out, gaps, strict=True))


def _word_like(token: str) -> bool:
    return bool(token) and token[-1].isalpha() and token[0].isalpha()


def _mend(
    core: str,
    lead: str,
    tail: str,
    i: int,
    tokens: list[str],
    gaps_before: list[int],
    gaps_after: list[int],
) -> tuple[str, str] | None:
    """The fragment ``core`` mended with one lost letter: joined with the next fragment, or
    the letter put back at its start or its end; (word, "join" | "start" | "end") or None."""
    best: tuple[float, str, str] | None = None
    nxt = _CORE.match(tokens[i + 1]) if i + 1 < len(tokens) else None
    if nxt and not tail and not nxt.group(1) and gaps_after[i] == 1:
        other = nxt.group(2)
        if other.isalpha() and (_needs_repair(other) or len(core) == 1):
            upper = core.isupper() and other.isupper()
            for letter in DROPPED:
                word = core + (letter.upper() if upper else letter) + other
                if is_syllable(word):
                    score = _frequency(word.lower()) + 1  # mending two fragments at once
                    if best is None or score > best[0]:
                        best = (score, word, "join")
    if best is None and not lead and (gaps_before[i] >= 2 or i == 0):
        for letter in DROPPED:
            word = letter + core
            if is_syllable(word):
                score = _frequency(word.lower())
                if best is None or score > best[0]:
                    best = (score, word, "start")
    last = i == len(tokens) - 1
    if (best is None or best[2] != "join") and not tail and (gaps_after[i] >= 2 or last):
        for letter in DROPPED:
            word = core + letter
            if is_syllable(word):
                score = _frequency(word.lower())
                if best is None or score > best[0]:
                    best = (score, word, "end")
    return None if best is None else (best[1], best[2])


def _frequent_mend(
    core: str, lead: str, tail: str, before: int, after: int
) -> tuple[str, str] | None:
    """A syllable beside a double space that is far rarer than itself with a lost letter put
    back at that side (``hông`` → ``Không``): (the mended word, its side); else None."""
    if not core.isalpha() or not is_syllable(core) or core[0].isupper():
        return None
    own = _frequency(core.lower()) + _MARGIN
    best: tuple[float, str, str] | None = None
    for letter in DROPPED:
        for word, side, clue in (
            (letter + core, "start", before >= 2 and not lead),
            (core + letter, "end", after >= 2 and not tail),
        ):
            if not clue or not is_syllable(word):
                continue
            score = _frequency(word.lower())
            if score > own and (best is None or score > best[0]):
                best = (score, word, side)
    return None if best is None else (best[1], best[2])


def repair_lines(lines: list[str]) -> list[str]:
    return [repair_line(line) for line in lines]


def repair_text(text: str) -> str:
    return "\n".join(repair_line(line) for line in text.splitlines())
