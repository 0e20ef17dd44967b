"""Lists that arrive as documents: DOCX tables, PDF text and plain text with one name per line.

Every reader returns the same :class:`RawTable` as :func:`kartoteka.tabular.reader.open_table`, so a
memorandum's annex, a spreadsheet and a pasted column of names all flow through vetting the same way.
Lines of text become rows with the columns ``id``, ``name`` and ``birth_date``: a leading number
("12.", "12)") is the row's id and a birth date or year ("12.03.1985", "1985 г.р.") is taken out of
the name.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any, cast
from datetime import date
from pathlib import Path

from kartoteka.errors import N_, InvalidInput, Message
from kartoteka.tabular.columns import map_columns
from kartoteka.tabular.encoding import detect
from kartoteka.tabular.limits import check_file, check_zip, current_limits
from kartoteka.tabular.list_lines import not_a_row, numbered_title, word_date
from kartoteka.tabular.reader import (
    HEAD_ROWS, RawTable, guess_format, header_block, header_index, open_table, total_row,
)

LIST_FORMATS = ("csv", "xlsx", "jsonl", "docx", "pdf", "text")
TEXT_HEADERS = ["id", "name", "birth_date"]
OTHER_SPELLING = "other spelling"   # the key of a name's spelling in another script, in a row's raw data
_DELIMITERS = (";", ",", "\t", "|")

_NUMBER = re.compile(r"^\s*(?:№\s*)?(\d{1,6})(?:[.)]\s*|\s+)(?=\S)")
_DATE = re.compile(r"(?<!\d)(\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}-\d{1,2}(?:-\d{1,2})?|\d{1,2}\.\d{1,2}\.\d{2}"
                   r"|(?:0?[1-9]|1[0-2])[./](?:19|20)\d{2}"     # a month and year, "03.1980"
                   r"|\d{1,2} \d{1,2} (?:19|20)\d{2}"           # "15 03 1985"
                   r"|\d{2}\s*(?:г\.?\s*р|р\.?\s*н)\.?(?!\w))(?![\d.])")   # "85 г.р.": a two-digit year of birth
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_AFTER = re.compile(r"^\s*(?:г\.?\s*р\.?|р\.?\s*н\.?|года рождения|року народження|года|року|г\.|р\.|y\.?o\.?b\.?)",
                    re.IGNORECASE)
_BORN = re.compile(r"\b(?:born|род\.|родился|родилась|народився|народилася|д\.\s*р\.|дата рождения"
                   r"|дата народження)\s*:?\s*$", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")


def guess_list_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "docx":
        return "docx"
    if suffix == "pdf":
        return "pdf"
    if suffix in ("txt", "text", "lst", ""):
        return "text"
    try:
        return guess_format(path)
    except InvalidInput:
        raise InvalidInput.of(N_("%(file)s: unknown list format '.%(suffix)s' (use .csv, .xlsx, .jsonl, .docx, "
                                 ".pdf or .txt)"), file=path.name, suffix=suffix) from None


def open_list(path: Path, fmt: str | None = None) -> RawTable:
    """Open a list in any supported format; raises InvalidInput naming the file when it cannot."""
    if not path.exists():
        raise InvalidInput.of(N_("%(file)s: no such file"), file=str(path))
    kind = fmt or guess_list_format(path)
    if kind == "docx":
        return open_docx(path)
    if kind == "pdf":
        return open_pdf(path)
    if kind == "text":
        return open_text(path)
    if kind in ("csv", "xlsx", "jsonl"):
        return _headerless_if_needed(open_table(path, kind, all_sheets=True))   # a list may go on over sheets
    raise InvalidInput.of(N_("%(file)s: unknown list format '%(format)s' (use %(formats)s)"), file=path.name,
                          format=kind, formats=", ".join(LIST_FORMATS))


def _has_name_column(headers: list[str]) -> bool:
    fields = map_columns("persons", headers)
    return "name" in fields or "surname" in fields


def _headerless_if_needed(table: RawTable) -> RawTable:
    """A one-column file whose first line is a name, not a header: keep that line as the first row."""
    if len(table.headers) != 1 or _has_name_column(table.headers) or not _LETTER.search(table.headers[0]):
        return table
    first = table.headers[0]
    rows = table.rows

    def shifted() -> Iterator[tuple[int, dict[str, str]]]:
        yield 1, {"name": first}
        for row_no, row in rows:
            yield row_no, {"name": row.get(first, "")}

    table.headers = ["name"]
    table.rows = shifted()
    return table


# -- text lines -------------------------------------------------------------------------------------

def parse_line(line: str) -> dict[str, str] | None:
    """``"12. Иванов Иван Иванович, 12.03.1985 г.р."`` -> ``{"id": "12", "name": ..., "birth_date": ...}``.

    Returns None for a line with no letters (page numbers, rules, blank lines).
    """
    text = line.replace("\u00a0", " ").strip()
    if not _LETTER.search(text) or not_a_row(text):
        return None
    return _split(text)


_PARENS = re.compile(r"\(([^()]{2,120})\)")


def other_spelling(name: str) -> tuple[str, str]:
    """``(name, other spelling)`` of a name followed by its spelling in another script in parentheses ("Мельник Андрій
    Іванович (Melnyk Andrii)", "Asanov Server (Асанов Сервер)") or after a slash ("Сейтумеров Эрфан / Seitumerov
    Erfan"): the name before them, which is matched, and the
    other spelling, kept with the row. ``(name, "")`` for any other name: a maiden name in parentheses ("Иванова
    (Петрова) Мария"), a remark ("(задержан 2022)"), a one-word name."""
    from kartoteka.domain.person import script_of

    found = list(_PARENS.finditer(name))
    halves = name.split(" / ")
    if len(found) == 1:
        m = found[0]
        before = (name[:m.start()] + " " + name[m.end():]).strip(" ,;")
        inside = m.group(1).strip()
    elif not found and len(halves) == 2:   # "Сейтумеров Эрфан / Seitumerov Erfan"
        before, inside = halves[0].strip(" ,;"), halves[1].strip(" ,;")
    elif not found and len(halves) == 1:   # "Мельник Андрій Іванович Melnyk Andrii": a cell's two lines
        return _two_scripts(name)
    else:
        return name, ""
    words, others = before.split(), inside.split()
    if len(words) < 2 or not 1 <= len(others) <= 4 or not all(_NAME_WORD.fullmatch(w) and w[0].isupper() for w in others):
        return name, ""
    mine, theirs = script_of(before), script_of(inside)
    if mine not in ("cyrl", "latn") or theirs not in ("cyrl", "latn") or mine == theirs:
        return name, ""
    return " ".join(words), inside


def _two_scripts(name: str) -> tuple[str, str]:
    """``(name, other spelling)`` of a name written twice, in one script and then in the other, each of two words or
    more ("Мельник Андрій Іванович Melnyk Andrii": the two lines of a cell); ``(name, "")`` otherwise."""
    from kartoteka.domain.person import script_of

    words = name.split()
    scripts = [script_of(w) for w in words]
    if len(words) < 4 or any(s not in ("cyrl", "latn") for s in scripts):
        return name, ""
    cut = next(k for k in range(len(words)) if scripts[k] != scripts[0]) if len(set(scripts)) == 2 else 0
    if cut < 2 or len(words) - cut < 2 or len(set(scripts[cut:])) != 1 \
            or not all(_NAME_WORD.fullmatch(w.strip(",")) and w[0].isupper() for w in words):
        return name, ""
    return " ".join(words[:cut]).strip(" ,"), " ".join(words[cut:]).strip(" ,")


def _split(text: str) -> dict[str, str] | None:
    """A line's id, name, birth date and the rest (the columns after the date), as :func:`parse_line` reads them."""
    list_id = ""
    m = _NUMBER.match(text)
    if m and _LETTER.match(text[m.end():]):
        list_id, text = m.group(1), text[m.end():]
    birth = rest = ""
    d = _DATE.search(text) or word_date(text) or _YEAR.search(text)
    if d is not None:
        birth = d.group(1)
        head = _BORN.sub("", text[:d.start()].rstrip(" ,;:(–-"))
        tail = _AFTER.sub("", text[d.end():])
        if _LETTER.search(head):    # what follows the date is the next columns (a place, an article), not the name
            text, rest = head, re.sub(r"\s+", " ", tail).strip(" ,;:()–—-")
        else:
            text = tail
    text, alias = other_spelling(" ".join(text.split()))
    name = re.sub(r"\s+", " ", re.sub(r"[(),;:–—]+", " ", text)).strip(" -")
    if not _LETTER.search(name):
        return None
    row = {"id": list_id, "name": name, "birth_date": birth}
    if alias:
        row[OTHER_SPELLING] = alias   # kept with the row (its raw text), not matched
    if rest:
        row["rest"] = rest[:2000]   # kept with the row (its raw text), not matched
    return row


_LONE_NUMBER = re.compile(r"(?:№\s*)?(\d{1,6})[.)]?")
_NAME_WORD = re.compile(r"[^\W\d_]{2,}(?:['’ʼ-][^\W\d_]+)*")


def _after_father() -> frozenset[str]:
    """The words that follow a father's name ("огли", "кызы", "oglu"): data/names/readings.yaml."""
    from kartoteka.names.keys import particles

    return particles()[1]


def _fathers(word: str) -> bool:
    """A father's name ("Вікторівна", "Петрович") or the word after one ("огли")."""
    from kartoteka.names.parse import looks_like_patronymic

    return looks_like_patronymic(word) or word.casefold() in _after_father()


def _lone_date(text: str) -> str:
    """The date of a line that holds a date and nothing else ("05.03.1987", "1985 р.н."): a PDF table's date cell,
    which its text puts on a line of its own when the name beside it wraps. "" for any other line, and for a date
    no one on a list was born on (in the last ten years: the document's own date under the table)."""
    d = _DATE.search(text) or word_date(text) or _YEAR.search(text)
    if d is None or re.search(r"[^\W_]", _BORN.sub("", text[:d.start()]) + _AFTER.sub("", text[d.end():])):
        return ""
    return d.group(1) if _born_then(d.group(1)) else ""


def _born_then(text: str) -> bool:
    """Whether a date or year is one a person on a list may be born on: 1900 to ten years ago."""
    digits = re.findall(r"\d+", text)
    four = next((int(n) for n in digits if len(n) == 4), None)
    if four is None:                                  # "06.12.94": the last such year not in the future
        four = 2000 + int(digits[-1]) if 2000 + int(digits[-1]) <= date.today().year else 1900 + int(digits[-1])
    return 1900 <= four <= date.today().year - 10


def _date_then_rest(text: str) -> tuple[str, str] | None:
    """``(birth date, the rest)`` of a line that begins with a birth date and goes on with what is not a name
    ("1979 г.р., СИЗО-1", "05.03.1987 ВК-1": the date cell and the cells after it, beside a name that wraps); None
    for any other line, and for a date followed by a name (the next person, in a list that writes dates first)."""
    d = _DATE.match(text) or _YEAR.match(text)
    if d is None or not _born_then(d.group(1)):
        return None
    rest = re.sub(r"\s+", " ", _AFTER.sub("", text[d.end():])).strip(" ,;:()–—-")
    words = rest.split()
    if not rest or rest[0].islower() \
            or (2 <= len(words) <= 4 and all(_NAME_WORD.fullmatch(w) and w[0].isupper() for w in words)):
        return None   # ("2000 г. задержан": a note, not the date cell)
    return d.group(1), rest[:2000]


def birth_in_name(text: str) -> tuple[str, str] | None:
    """``(name, birth date)`` of a name cell that holds the birth date too ("Іваненко Петро Миколайович\n1980 р.н.",
    "Иванов Иван, 12.05.1980 г.р."), as a list line is read; None when the cell holds no such date, or anything
    but a name before it ("Иванов Иван (задержан 12.05.2014)": a lower-case word), or a date no one on a list
    was born on."""
    if not re.search(r"\d", text):
        return None
    row = _split(" ".join(text.split()))
    if row is None or not row["birth_date"] or not _born_then(row["birth_date"]):
        return None
    words = [w for w in re.split(r"[\s.]+", row["name"]) if _LETTER.search(w)]
    small = _after_father() | {"van", "von", "der", "de", "da", "di", "du", "la", "le", "al", "el", "ibn", "ben", "bin"}
    if not words or any(not w[0].isupper() and w.casefold() not in small for w in words):
        return None
    return row["name"], row["birth_date"]


def continued(row: dict[str, str], line: str) -> dict[str, str] | None:
    """``row`` with its name continued by the next ``line``, when the line is the rest of a name that wraps in a
    PDF table ("12  Абдуллаєв Ескендер Рустем" / "огли   05.03.1987"), or the row's birth date standing alone
    (the date cell beside a wrapped name); None when the line is anything else.

    Conservative, so that two persons are never read as one: the line has no number of its own, holds one or two
    name words and nothing else but a birth date (and the columns after it), and supplies only what the row
    lacks. A date only when the row has none; a father's name ("Вікторівна", "Рустем огли") only when the row's
    name does not end with one; a given name ("Олександра") only when the row's name is one word and the row is
    numbered (in a numbered list every person's line has its number).
    """
    text = line.replace("\u00a0", " ").strip()
    number = _NUMBER.match(text)
    if number and text[number.end()].isupper():
        return None   # a row with its own number (the usual line: said first)
    after = _after_father()
    if text.isdigit() and row["id"].isdigit() and int(text) == int(row["id"]) + 1:
        return None   # "1995" alone: the next row's number cell, not a year of birth
    born = "" if row["birth_date"] else _lone_date(text)
    if born:
        return {**row, "birth_date": born}
    lead = None if row["birth_date"] or row.get("rest") else _date_then_rest(text)
    if lead is not None:   # "1979 г.р., СИЗО-1": the date cell and the next ones beside a wrapped name
        return {**row, "birth_date": lead[0], "rest": lead[1]}
    if not text or (text.split()[0].casefold() not in after and not_a_row(text)):
        return None   # a heading, a total, a note ("огли ..." begins in lower case, as a note would)
    piece = _split(text)
    if piece is None or piece["id"]:
        return None
    more, have = piece["name"].split(), row["name"].split()
    if not 1 <= len(more) <= 2 or not have or len(have) + len(more) > 6 \
            or not all(_NAME_WORD.fullmatch(w) and (w[0].isupper() or w.casefold() in after) for w in more):
        return None
    if (piece["birth_date"] and row["birth_date"]) or (piece.get("rest") and row.get("rest")):
        return None
    father = _fathers(more[-1])                           # "Вікторівна", "Рустем огли", "Олександра Вікторівна"
    given = not father or (len(more) == 2 and more[-1].casefold() not in after)
    if father and (_fathers(have[-1]) or any(w.casefold() in after for w in have)):
        return None                                       # the row's name has its father's name already
    if given and (len(have) > 1 or not row["id"]):
        return None                                       # the row has a given name, or may be a one-word person
    joined = {**row, "name": " ".join([*have, *more])}
    joined["birth_date"] = row["birth_date"] or piece["birth_date"]
    if piece.get("rest"):
        joined["rest"] = piece["rest"]
    return joined


_SIGNATORY = re.compile(r"(?:[^\W\d_]\.\s?){1,2}[^\W\d_][^\W\d_'’ʼ-]+(?:-[^\W\d_]+)?")   # "А.А. Соколов", "О. Петрук"


_NEXT_ENTRY = re.compile(r"\s(?:№\s*)?(\d{1,6})[.)]\s*(?=[^\W\d_])")


def side_by_side(line: str) -> list[str]:
    """A PDF line that holds numbered entries of columns side by side ("1. Кравец Олег, 1970    4. Чуб Ян, 1973"),
    each entry apart; [line] for any other line. An entry begins with a number above the line's first one."""
    text = line.strip()
    first = _NUMBER.match(text)
    if first is None:
        return [line]
    pieces, start, number = [], 0, int(first.group(1))
    for m in _NEXT_ENTRY.finditer(text, first.end()):
        if number < int(m.group(1)) <= number + 1000 and _LETTER.search(text[start:m.start()]):
            pieces.append(text[start:m.start()].strip())
            start, number = m.start() + 1, int(m.group(1))
    return [*pieces, text[start:].strip()] if pieces else [line]


def table_from_lines(lines: Iterable[str], *, path: Path, fmt: str) -> RawTable:
    parsed: list[tuple[int, dict[str, str]]] = []
    skipped: list[tuple[int, str]] = []
    notes: dict[int, list[str]] = {}
    if fmt == "pdf":   # a PDF's text lines are counted as read: columns side by side are lines one after the other
        lines, beside = _apart(lines)
        for row_no, first in beside.items():
            notes.setdefault(row_no, []).append(Message(
                N_("row %(row)d: read from the same line of the PDF as row %(first)d (the list is printed in columns "
                   "side by side)"), row=row_no, first=first))
    last = 0       # the line of the row read from the lines before (0: the line before was no row)
    number = ""    # a row number alone on the line before: a PDF table's number cell, its name cell next
    heading = False   # the line before was a heading, a signature or a note (skipped)
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        joined = continued(parsed[-1][1], line) if last else None
        if joined is not None:   # the name or the date of the row before, on a line of its own
            before, parsed[-1] = parsed[-1][1], (last, joined)
            notes.setdefault(last, []).append(
                Message(N_("row %(row)d: the name goes on in line %(line)d and the lines were read as one person: "
                           "%(name)s"), row=last, line=line_no, name=joined["name"])
                if joined["name"] != before["name"] else
                Message(N_("row %(row)d: the birth date %(date)s begins line %(line)d, before '%(rest)s', and was read "
                           "as this row's"), row=last, line=line_no, date=joined["birth_date"], rest=joined["rest"])
                if joined.get("rest") and not before.get("rest") else
                Message(N_("row %(row)d: the birth date %(date)s stands alone in line %(line)d and was read as this "
                           "row's"), row=last, line=line_no, date=joined["birth_date"]))
            continue
        row = parse_line(line)
        if row is not None and heading and not row["id"] and not row["birth_date"] \
                and _SIGNATORY.fullmatch(row["name"]):
            row = None   # "А. А. Соколов" under "Заместитель министра": who signs, not a person on the list
        last, lone = 0, _LONE_NUMBER.fullmatch(line.strip())
        if row is not None:
            if number and not row["id"]:
                row["id"] = number
            parsed.append((line_no, row))
            last = line_no
        elif _LETTER.search(line):   # a heading, a total, a signature: said in the report, not vetted
            skipped.append((line_no, re.sub(r"\s+", " ", line).strip()[:200]))
        heading = row is None and bool(_LETTER.search(line))
        number = lone.group(1) if lone else ""
    if not parsed:
        raise InvalidInput.of(N_("%(file)s: no names found (one name per line expected)"), file=path.name)
    return RawTable(path, fmt, list(TEXT_HEADERS), iter(parsed), "utf-8", "", len(parsed), skipped=skipped,
                    row_notes=notes)


def _apart(lines: Iterable[str]) -> tuple[list[str], dict[int, int]]:
    """The lines with side-by-side entries apart, and {line number of a later entry: that of the line's first}."""
    out: list[str] = []
    beside: dict[int, int] = {}
    for line in lines:
        pieces = side_by_side(line)
        first = len(out) + 1
        out.extend(pieces)
        beside.update((first + k, first) for k in range(1, len(pieces)))
    return out, beside


def list_from_text(text: str, *, name: str = "pasted list") -> RawTable:
    """A pasted column of names (the web form): the same rows as a plain-text file would give."""
    return table_from_lines(text.splitlines(), path=Path(name), fmt="text")


def _looks_delimited(first_line: str) -> bool:
    for delim in _DELIMITERS:
        if delim in first_line:
            headers = [h.strip() for h in first_line.split(delim)]
            if _has_name_column(headers):
                return True
    return False


def open_text(path: Path) -> RawTable:
    """One name per line; a .txt that is really a delimited table with a header is read as CSV."""
    check_file(path, current_limits())
    text = detect(path.read_bytes(), name=path.name).text
    lines = text.splitlines()
    if lines and _looks_delimited(lines[0].lstrip("\ufeff")):
        return open_table(path, "csv")
    return table_from_lines(lines, path=path, fmt="text")


# -- DOCX -------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_COUNTED = ("decimal", "decimalZero")   # numbers a list row is known by ("1.", "01."); a bullet or a letter is none


def _val(element: Any, path: str) -> str | None:
    found = element.find(path) if element is not None else None
    return None if found is None else cast(str | None, found.get(f"{_W}val"))


def _numbering_levels(numbering: Any) -> tuple[dict[str, dict[int, tuple[int, str]]], dict[str, tuple[str, dict[int, int]]]]:
    """A numbering part's lists: {abstractNumId: {level: (start, format)}} and {numId: (abstractNumId, {level:
    restart at})}."""
    levels: dict[str, dict[int, tuple[int, str]]] = {}
    for abstract in numbering.iter(f"{_W}abstractNum"):
        own: dict[int, tuple[int, str]] = {}
        for lvl in abstract.iter(f"{_W}lvl"):
            start = _val(lvl, f"{_W}start")
            own[int(lvl.get(f"{_W}ilvl", "0"))] = (int(start) if start and start.isdigit() else 1,
                                                  _val(lvl, f"{_W}numFmt") or "decimal")
        levels[abstract.get(f"{_W}abstractNumId", "")] = own
    nums: dict[str, tuple[str, dict[int, int]]] = {}
    for num in numbering.iter(f"{_W}num"):
        overrides: dict[int, int] = {}
        for over in num.iter(f"{_W}lvlOverride"):
            start = _val(over, f"{_W}startOverride")
            if start and start.isdigit():
                overrides[int(over.get(f"{_W}ilvl", "0"))] = int(start)
        nums[num.get(f"{_W}numId", "")] = (_val(num, f"{_W}abstractNumId") or "", overrides)
    return levels, nums


def _style_numbering(doc: Any) -> dict[str, tuple[str | None, str | None]]:
    """{styleId: (numId, level)} of the paragraph styles that number their paragraphs ("List Number"), through the
    styles they are based on."""
    own: dict[str, tuple[str | None, str | None]] = {}
    based: dict[str, str] = {}
    for style in doc.styles.element.iter(f"{_W}style"):
        sid = style.get(f"{_W}styleId", "")
        pr = style.find(f"{_W}pPr/{_W}numPr")
        if pr is not None:
            own[sid] = (_val(pr, f"{_W}numId"), _val(pr, f"{_W}ilvl"))
        elif (parent := _val(style, f"{_W}basedOn")) is not None:
            based[sid] = parent
    out = dict(own)
    for sid in based:
        seen, at = {sid}, based[sid]
        while at not in own and at in based and at not in seen:
            seen.add(at)
            at = based[at]
        if at in own:
            out[sid] = own[at]
    return out


def word_numbers(doc: Any) -> dict[Any, str]:
    """The number Word shows before each paragraph numbered by its numbering (``w:numPr``, of the paragraph or of
    its style: "List Number"), not typed: ``{paragraph element: "12"}``, in document order (in tables too). A list
    restarted at 1 (a new list, or Word's "Restart at 1": a ``w:startOverride``) counts from its start again; a
    deeper level counts on its own and starts again under each item above it. Bullets and letters have none."""
    try:
        numbering = doc.part.numbering_part.element
    except (NotImplementedError, KeyError, AttributeError):
        return {}
    levels, nums = _numbering_levels(numbering)
    styles = _style_numbering(doc)
    counters: dict[str, dict[int, int]] = {}
    begun: set[str] = set()
    out: dict[Any, str] = {}
    for p in doc.element.body.iter(f"{_W}p"):
        ppr = p.find(f"{_W}pPr")
        num_id, ilvl = styles.get(_val(ppr, f"{_W}pStyle") or "", (None, None))
        num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if num_pr is not None:
            num_id = _val(num_pr, f"{_W}numId") or num_id
            ilvl = _val(num_pr, f"{_W}ilvl") or ilvl
        if not num_id or num_id not in nums:   # numId 0: numbering taken off the paragraph
            continue
        abstract, overrides = nums[num_id]
        level = int(ilvl) if ilvl and ilvl.isdigit() else 0
        start, fmt = levels.get(abstract, {}).get(level, (1, "decimal"))
        count = counters.setdefault(abstract, {})
        if num_id not in begun:   # Word's "Restart at 1": a new w:num over the same list, with a start override
            begun.add(num_id)
            for lvl, restart in overrides.items():
                count[lvl] = restart - 1
        count[level] = count.get(level, start - 1) + 1
        for deeper in [k for k in count if k > level]:
            del count[deeper]
        if fmt in _COUNTED:
            out[p] = str(count[level])
    return out


def _docx_lines(doc: Any, numbers: dict[Any, str]) -> Iterator[str]:
    """The document's paragraphs as lines; one numbered by Word's numbering is given the number Word shows
    ("12. ...") unless its text is numbered already."""
    for p in doc.paragraphs:
        text = p.text
        number = numbers.get(p._p)
        if number and text.strip() and not _NUMBER.match(text):
            text = f"{number}. {text.strip()}"
        yield text


def _docx_rows(table: object, numbers: dict[Any, str]) -> list[list[str]]:
    """A table's rows of cell texts; an empty cell numbered by Word's numbering (a "№" column Word numbers) holds
    the number Word shows."""
    rows: list[list[str]] = []
    for row in getattr(table, "rows"):
        cells = []
        for c in row.cells:
            text = re.sub(r"\s+", " ", c.text).strip()
            if not text:
                text = next((numbers[p] for p in c._tc.iter(f"{_W}p") if p in numbers), "")
            cells.append(text)
        rows.append(cells)
    return rows


def open_docx(path: Path) -> RawTable:
    """The document's tables, read as one table with the first table's header; a document without
    tables is read as one name per paragraph."""
    from docx import Document

    check_zip(path, current_limits(), kind="DOCX document")   # a compressed bomb is refused unopened
    try:
        doc = Document(str(path))
    except Exception as exc:  # python-docx raises several types, in its words, for a broken file
        error = Message(N_("a ZIP archive, not a Word document: perhaps an Excel workbook or another file renamed "
                           ".docx; open it in Word and save it as .docx")) if isinstance(exc, KeyError) \
            else Message(N_("the file is damaged (cut short when it was copied or downloaded?) or is another kind "
                            "of file with this name; open it in Excel or Word and save it again"))
        raise InvalidInput.of(N_("%(file)s: not a readable DOCX document (%(error)s)"), file=path.name,
                              error=error) from None
    numbers = word_numbers(doc)
    grids = [g for g in (_docx_rows(t, numbers) for t in doc.tables) if g]
    # a title in a table of its own above the list ("Список осіб, що підлягають обміну"): the list is the first
    # table whose header names a name column
    first = next((k for k, g in enumerate(grids) if _has_name_column(header_block(g, header_index(g[:HEAD_ROWS]))[0])),
                 0)
    grids = grids[first:]
    if not grids:
        return table_from_lines(_docx_lines(doc, numbers), path=path, fmt="docx")
    at = header_index(grids[0][:HEAD_ROWS])   # a title, a date or blank rows above the header, in the table
    top, used = header_block(grids[0], at)
    headers = _unique_headers(top)
    if not _has_name_column(headers) and len(headers) == 1:
        return table_from_lines((r[0] for g in grids for r in g), path=path, fmt="docx")
    table = RawTable(path, "docx", headers, iter(()), "", "", 0, header_row=at + 1, header_rows=used)
    head = grids[0][at:at + used]          # the header's rows, as a continuation table or a page repeats them
    parsed: list[tuple[int, dict[str, str]]] = []
    row_no = at + used
    for i, grid in enumerate(grids):
        # a continuation table repeats the header (and the title above it, if any)
        start = at + used if i == 0 else next((k + used for k in range(min(len(grid), at + 1))
                                               if grid[k:k + used] == head), 0)
        for cells in grid[start:]:
            row_no += 1
            filled = [c for c in cells if c]
            if not filled:
                continue
            if len(grid[0]) != len(top):    # a table of another shape (a signature block, a cover table)
                table.skipped.append((row_no, " | ".join(dict.fromkeys(filled))[:200]))
                continue
            if cells in head:
                continue                    # the header repeated inside the table (on every page)
            if len(set(filled)) == 1 and (len(filled) > 1 or not_a_row(filled[0], lone_cell=True)):
                table.skipped.append((row_no, filled[0][:200]))   # merged across: a section title, a total
                continue
            if title := numbered_title(list(dict.fromkeys(filled))):   # "1 | Крым": a title, numbered
                table.skipped.append((row_no, title[:200]))
                continue
            if total_row(table, row_no, list(dict.fromkeys(filled))):   # "Разом: | 3"
                continue
            parsed.append((row_no, {h: (cells[j] if j < len(cells) else "") for j, h in enumerate(headers)}))
    table.rows, table.total = iter(parsed), len(parsed)
    return table


def _unique_headers(cells: list[str]) -> list[str]:
    out: list[str] = []
    for j, cell in enumerate(cells):
        name = cell or f"column {j + 1}"
        while name in out:  # merged cells repeat their text
            name += " "
        out.append(name)
    return out


# -- PDF --------------------------------------------------------------------------------------------

def open_pdf(path: Path) -> RawTable:
    """The PDF's text, one name per line (a scanned PDF without a text layer has no names)."""
    from pypdf import PdfReader

    check_file(path, current_limits())
    logging.getLogger("pypdf").setLevel(logging.ERROR)   # its English warnings ("EOF marker not found") on stderr
    try:
        reader = PdfReader(str(path))
        text = "\n".join((page.extract_text() or "") for page in reader.pages)
    except Exception:  # pypdf raises several types, in its words, for a broken file
        raise InvalidInput.of(N_("%(file)s: not a readable PDF (%(error)s)"), file=path.name, error=Message(N_(
            "the file is damaged (cut short when it was copied or downloaded?) or is not a PDF; open it and save "
            "it again"))) from None
    if not _LETTER.search(text):
        raise InvalidInput.of(N_("%(file)s: the PDF has no text layer (a scan?); run OCR first or paste the names"),
                              file=path.name)
    return table_from_lines(text.splitlines(), path=path, fmt="pdf")
