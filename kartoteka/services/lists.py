"""Reading a list of names (an exchange list, an annex, a pasted column) into entries to match.

The name comes from a ``name`` column (ФИО, ПІБ, ...) or from split surname/given/patronymic
columns, or from the only column there is; birth date, gender and the list's own id are optional.
What cannot be read is noted per row and never stops the list. Matching and vetting share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from kartoteka.domain.dates import PartialDate
from kartoteka.domain.person import Gender, parse_gender
from kartoteka.errors import N_, InvalidInput, Message, reason_of
from kartoteka.tabular.columns import column_aliases, map_columns, normalise_header
from kartoteka.tabular.documents import OTHER_SPELLING, birth_in_name, other_spelling
from kartoteka.tabular.field_labels import FIELD_LABELS
from kartoteka.tabular.limits import current_limits, name_problem
from kartoteka.tabular.list_lines import section_name, section_title, stated_total
from kartoteka.tabular.reader import RawTable, SheetPart
from kartoteka.tabular.slashed import SLASHED as _SLASHED, SlashedOrder, bare_birth, full_year, marked_year, \
    slashed_order
from kartoteka.tabular.vocab import parse_loose_date

NAME_PARTS = ("surname", "given_name", "patronymic")

_ROW = N_("row %(row)s: %(problem)s")
_LETTER = re.compile(r"[^\W\d_]")
_SHORT_YEAR = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{2})$")
NOTED_ROWS = 200   # rows not read as persons, each named in the report; more are counted
_IN_SHEET = N_("sheet '%(sheet)s': %(note)s")
SHEET_KEY = "sheet"   # the sheet of a row of a list read over several sheets, kept with the row's raw data


def sheet_of(table: RawTable, row_no: int) -> SheetPart | None:
    """The sheet a row number of a list read over several sheets belongs to (None for a one-sheet list)."""
    found = None
    for part in table.sheets:
        if row_no >= part.offset:
            found = part
    return found


def in_sheet(table: RawTable, row_no: int, note: str) -> str:
    """``note`` about row ``row_no``, naming the row's sheet when the list was read over several sheets."""
    part = sheet_of(table, row_no)
    return Message(_IN_SHEET, sheet=part.name, note=note) if part is not None else note


def sheet_notes(table: RawTable) -> list[str]:
    """Which sheets were read as the list and how their rows are numbered; which were not and why."""
    notes: list[str] = []
    for part in table.sheets:
        if part.offset:
            notes.append(Message(N_("the sheet '%(sheet)s' was vetted as part of the list; its rows are numbered "
                                    "from %(offset)d here (its row 5 is row %(example)d)"),
                                 sheet=part.name, offset=part.offset, example=part.offset + 5))
        elif part is table.sheets[0]:
            notes.append(Message(N_("the list was read from the sheet '%(sheet)s'"), sheet=part.name))
    for name in table.not_lists:
        notes.append(Message(N_("the sheet '%(sheet)s' holds no list (no name column in its first rows) and was "
                                "not read"), sheet=name))
    if table.hidden_sheets:
        notes.append(Message(N_("hidden sheets were not read: %(sheets)s (unhide a sheet to vet it)"),
                             sheets=", ".join(table.hidden_sheets)))
    return notes


def total_checks(table: RawTable, rows: list[int]) -> list[str]:
    """A totals row ("Всього: 25 осіб") against the persons read: those of its section (the rows since the
    section's title, when one section precedes it), its sheet or the whole list; a total that matches none
    is a problem: a row may be missing from the list, or one added."""
    events = sorted([(n, "") for n in rows] + [(n, text) for n, text in table.skipped])
    out: list[str] = []
    overall = sheet = segment = sections = 0
    current: SheetPart | None = None
    for row_no, text in events:
        part = sheet_of(table, row_no)
        if part is not current:
            current, sheet, segment, sections = part, 0, 0, 0
        if not text:
            overall, sheet, segment = overall + 1, sheet + 1, segment + 1
            continue
        stated = stated_total(text)
        if stated is not None:
            if stated not in (segment, sheet, overall):
                read = segment if sections == 1 else sheet if table.sheets else overall
                out.append(in_sheet(table, row_no, Message(
                    N_("row %(row)d: the list says %(stated)d persons, but %(read)d rows were read; a row may be "
                       "missing or added"), row=row_no, stated=stated, read=read)))
            segment, sections = 0, 0
        elif section_title(text):
            segment, sections = 0, sections + 1
    return out


def parse_birth(text: str, *, month_first: bool = False) -> PartialDate:
    """A list's birth date: as :func:`parse_loose_date` reads it, and "12.03.85" or "85 г.р." (a two-digit year,
    which an annex often has) as the last year of that ending not in the future (slashed.full_year): 1985, 2003.
    The words that mark a birth date ("12.05.1980 р.н.", "д.р. 12.05.1980", "1980 г.р.") and the midnight a
    spreadsheet or 1C export writes after a date ("12.05.1980 0:00:00") are not part of it. With ``month_first``
    a slashed date is read MM/DD/YYYY (a list whose dates show that order: :func:`slashed_order`). Raises
    ValueError."""
    year = marked_year(text)   # "85 г.р.": a two-digit year of birth, 1985
    if year is not None:
        return year
    bare = bare_birth(text)
    if bare and bare != text.strip() and re.search(r"\d", bare):
        try:
            return parse_birth(bare, month_first=month_first)
        except ValueError:
            pass   # said with the text as written
    if month_first and (m := _SLASHED.match(text.strip())):
        return parse_loose_date(f"{m.group(2)}/{m.group(1)}/{m.group(3)}")
    m = _SHORT_YEAR.match(text.strip())
    if m is None:
        return parse_loose_date(text)
    return parse_loose_date(f"{m.group(1)}.{m.group(3)}.{full_year(int(m.group(4)))}")


_SERIAL = re.compile(r"^(\d{5})(?:[.,]0+)?$")
_EXCEL_EPOCH = date(1899, 12, 30)   # the 1900 date system's day 0, as Excel counts (its 29 February 1900 included)


def excel_serial(text: str) -> PartialDate | None:
    """The date an Excel date number stands for, in a birth date column that holds it as text or a plain number
    ("23456", "23456.0": a column formatted as text, a sheet that came through CSV): 23456 is 1964-03-20. Only a
    five-digit whole number, and only when it is a day from 1 January 1900 to today; a four-digit number is a year
    ("1985"), never a serial. None for anything else."""
    m = _SERIAL.match(text.strip())
    if m is None:
        return None
    day = _EXCEL_EPOCH + timedelta(days=int(m.group(1)))
    if not date(1900, 1, 1) <= day <= date.today():
        return None
    return PartialDate(day.year, day.month, day.day)



def reading_notes(table: RawTable) -> list[str]:
    """What reading the list left out, each named with its row: the rows above the header, and the rows
    that are not persons (a section title, a total, a footnote, a signature): every row is accounted for."""
    notes: list[str] = []
    if table.header_row > 1:
        notes.append(Message(N_("the header is in row %(row)d; the %(n)d row(s) above it (a title, a date) "
                                "were not read as data"), row=table.header_row, n=table.header_row - 1))
    if table.header_rows > 1:
        notes.append(Message(N_("rows %(first)d to %(last)d are the list's header (merged header cells, column "
                                "numbers), not persons"), first=table.header_row,
                             last=table.header_row + table.header_rows - 1))
    notes.extend(sheet_notes(table))
    if table.other_sheets:
        notes.append(Message(N_("only the first sheet was vetted; the workbook's other sheets were not read: "
                                "%(sheets)s (vet each as its own list, or copy its rows to the first sheet)"),
                             sheets=", ".join(table.other_sheets)))
    for row_no, text in table.skipped[:NOTED_ROWS]:
        notes.append(in_sheet(table, row_no, Message(N_("row %(row)d is not a person (a heading, a section title, "
                                                        "a total or a note) and was not vetted: %(text)s"),
                                                     row=row_no, text=text)))
    if len(table.skipped) > NOTED_ROWS:
        notes.append(Message(N_("and %(n)d more rows that are not persons"), n=len(table.skipped) - NOTED_ROWS))
    return notes


def noted_rows(table: RawTable, rows: list[int], fields: dict[str, str]) -> list[str]:
    """What the file hides, or writes over two lines, of the persons read: the hidden columns the list is read
    from (the birth dates in a hidden column), then each row hidden in its sheet and each name joined from two
    lines of a document (``table.row_notes``). A hidden row with no name is not a person and is said as such."""
    field_of = {header: f for f, header in fields.items()}
    out: list[str] = [Message(N_("the column '%(column)s' of sheet '%(sheet)s' is hidden in the file; it was read as "
                                 "the %(field)s"), column=header, sheet=sheet,
                              field=Message(FIELD_LABELS.get(field_of[header], field_of[header])))
                      for sheet, header in table.hidden_columns if header in field_of]
    notes = [n for row_no in rows for n in table.row_notes.get(row_no, ())]
    out += notes[:NOTED_ROWS]
    if len(notes) > NOTED_ROWS:
        out.append(Message(N_("and %(n)d more rows hidden in the file or with a name joined from two lines, read "
                              "and vetted"), n=len(notes) - NOTED_ROWS))
    return out


def _by_section(table: RawTable, listing: ListInput) -> bool:
    """A list numbered anew in each of its sections (under "Крым" 1, 2, 3, under "Херсонщина" 1, 2 again, a Word
    list restarted at 1): each row's id is its section's title with its number ("Херсонщина / 2"), so that the
    numbers the list gives are kept; said. False, changing nothing, when a number repeats within a section too, or
    the sections' titles do not tell them apart (a list numbered anew on each sheet, with no titles)."""
    titles = sorted((n, t) for n, t in table.skipped if section_title(t))
    groups: dict[tuple[str, str], list[ListEntry]] = {}
    k = 0
    title = ""
    for e in listing.entries:
        while k < len(titles) and titles[k][0] < e.row_no:
            title = section_name(titles[k][1])
            k += 1
        part = sheet_of(table, e.row_no)
        groups.setdefault((part.name if part is not None and table.sheets else "", title), []).append(e)
    if len(groups) < 2 or any(len({e.id for e in g}) != len(g) for g in groups.values()) \
            or len({title for _sheet, title in groups}) != len(groups):
        return False   # (a list numbered anew on each sheet is identified by its rows' numbers, as before)
    qualified = {e.row_no: " / ".join(x for x in (title, e.id) if x)[:120] for (_s, title), g in groups.items()
                 for e in g}
    if len(set(qualified.values())) != len(qualified):
        return False
    for e in listing.entries:
        e.id = qualified[e.row_no]
    listing.problems.append(Message(N_("the list numbers its rows anew in each section: a row is identified by its "
                                       "section and its number, as '%(example)s'"), example=listing.entries[-1].id))
    return True


@dataclass
class ListEntry:
    row_no: int
    id: str
    name: str
    birth_text: str
    birth: PartialDate | None
    gender: Gender | None
    raw: dict[str, str]
    notes: tuple[str, ...] = ()   # what in this row could not be read, each a Message (kartoteka.errors)


@dataclass
class ListInput:
    entries: list[ListEntry]
    columns: dict[str, str]
    format: str
    problems: list[str] = field(default_factory=list)


def _name_of(row: dict[str, str], fields: dict[str, str]) -> str:
    if "name" in fields and row.get(fields["name"], "").strip():
        return " ".join(row[fields["name"]].split())
    return " ".join(" ".join(row.get(fields[f], "") for f in NAME_PARTS if f in fields).split())


def _name_and_birth(header: str) -> bool:
    """A header naming a column of names with their birth dates: "ПІБ, рік народження", "ФИО и дата рождения",
    "Full name, date of birth" (data/columns.yaml: a name's spelling, then a birth date's)."""
    fields = column_aliases()["persons"]
    text = normalise_header(header)
    for name in (normalise_header(a) for a in ("name", *fields["name"])):
        if text.startswith(name + " "):
            rest = re.sub(r"^(?:и|і|та|and|/)\s+", "", text[len(name) + 1:].strip())
            return any(rest == normalise_header(b) for b in ("birth_date", *fields["birth_date"]))
    return False


def read_list(table: RawTable, mapping: dict[str, str] | None = None) -> ListInput:
    """The list's rows with the name, birth date, gender and id columns found (or named in ``mapping``)."""
    fields = map_columns("persons", table.headers, mapping, filename=table.path.name)
    if "row_number" in fields:   # in a list (unlike a registry sheet) its own numbering identifies its rows
        number = fields.pop("row_number")
        fields.setdefault("id", number)
    if "surname" in fields and not {"name", "given_name", "patronymic"} & set(fields):
        rest = map_columns("lists", table.headers).get("given_and_patronymic")
        if rest is not None:   # "Фамилия | Имя, отчество": the name is the surname, then the given name and patronymic
            fields["given_name"] = rest
    if "name" not in fields and "surname" not in fields:
        both = next((h for h in table.headers if _name_and_birth(h)), None)
        if both is not None:   # "ПІБ, рік народження": the name and the birth date in one column
            fields["name"] = both
        elif not table.headers and table.problems:   # no line read (JSON Lines): its lines' problems
            raise InvalidInput(Message(N_("%(file)s: no line of the file could be read as a JSON object"),
                                       file=table.path.name), table.problems)
        elif len(table.headers) != 1:
            raise InvalidInput.of(N_("%(file)s: no name column found among %(headers)s; name it with "
                                     "--map 'HEADER=name' (or surname/given_name/patronymic)"),
                                  file=table.path.name, headers=", ".join(table.headers))
        else:
            fields["name"] = table.headers[0]
    out = ListInput([], fields, table.format)
    limits = current_limits()
    # 05/25/1980 in an English list: its slashed dates are month first (read day first, 05/12/1980 would be
    # 5 December, a wrong date that decides matches)
    rows = list(table.rows)   # (read twice: the birth dates' order first)
    order = slashed_order([row.get(fields["birth_date"], "") for _n, row in rows]) \
        if "birth_date" in fields else SlashedOrder(False)
    from_name = 0   # rows whose birth date was read from their name cell
    spelled: list[str] = []   # rows whose name is followed by its spelling in another script
    for row_no, row in rows:
        name = _name_of(row, fields)
        if not name:
            lone = {v.strip() for v in row.values() if v.strip()}
            if len(lone) == 1 and _LETTER.search(next(iter(lone))):   # a title or note in another column
                out.problems.append(in_sheet(table, row_no, Message(_ROW, row=row_no, problem=Message(
                    N_("no name, only '%(text)s' (a section title or a note); the row is not vetted"),
                    text=next(iter(lone))[:200]))))
            else:
                out.problems.append(in_sheet(table, row_no, Message(_ROW, row=row_no, problem=Message(
                    N_("no name; the row is skipped")))))
            continue
        too_long = name_problem(name, limits)   # the matcher's time grows with the words of a name
        if too_long:
            out.problems.append(in_sheet(table, row_no, Message(_ROW, row=row_no, problem=Message(
                N_("the name has %(problem)s; the row is skipped"), problem=too_long))))
            continue
        notes: list[str] = list(table.row_notes.get(row_no, ()))
        if "name" in fields and OTHER_SPELLING not in row:   # "Мельник Андрій (Melnyk Andrii)" in a name cell
            name, alias = other_spelling(name)
            if alias:
                row = {**row, OTHER_SPELLING: alias}
        if row.get(OTHER_SPELLING):
            spelled.append(f"{name} ({row[OTHER_SPELLING]})")
        birth_text = row.get(fields.get("birth_date", ""), "").strip()
        if not birth_text and "name" in fields:   # "Іваненко Петро Миколайович\n1980 р.н." in the name cell
            in_name = birth_in_name(name)
            if in_name is not None:
                name, birth_text = in_name
                from_name += 1
        birth = None
        serial = excel_serial(birth_text) if birth_text and "birth_date" in fields else None
        if serial is not None:   # "23456": the birth date column holds Excel's number for the date
            birth = serial
            notes.append(Message(N_("birth date '%(value)s' is an Excel date number, read as %(date)s"),
                                 value=birth_text, date=serial.iso()))
            out.problems.append(in_sheet(table, row_no, Message(_ROW, row=row_no, problem=notes[-1])))
        elif birth_text:
            try:
                birth = parse_birth(birth_text, month_first=order.month_first)
                if _SHORT_YEAR.match(bare_birth(birth_text)) or marked_year(birth_text):
                    notes.append(Message(N_("birth date '%(value)s' has a two-digit year, read as %(date)s"),
                                         value=birth_text, date=birth.iso()))
                    out.problems.append(in_sheet(table, row_no, Message(_ROW, row=row_no, problem=notes[-1])))
            except ValueError as exc:
                note = Message(N_("birth date '%(value)s' not understood (%(error)s); matched by name only"),
                               value=birth_text, error=reason_of(exc))
                notes.append(note)
                out.problems.append(in_sheet(table, row_no, Message(_ROW, row=row_no, problem=note)))
        gender = None
        if row.get(fields.get("gender", ""), "").strip():
            try:
                gender = parse_gender(row[fields["gender"]])
            except ValueError:
                notes.append(Message(N_("gender '%(value)s' not understood"), value=row[fields["gender"]]))
                out.problems.append(in_sheet(table, row_no, Message(_ROW, row=row_no, problem=notes[-1])))
        list_id = row.get(fields.get("id", ""), "").strip()[:120]   # the column is String(120)
        part = sheet_of(table, row_no)
        if part is not None and SHEET_KEY not in row:
            row = {**row, SHEET_KEY: part.name}
        out.entries.append(ListEntry(row_no, list_id, name, birth_text, birth, gender, row, tuple(notes)))
    out.problems.extend(p.message() for p in table.problems)
    read = [e.row_no for e in out.entries]
    # totals first, then what the file hides or wraps (the command line shows the first ten), then what was left out
    out.problems[:0] = total_checks(table, read) + noted_rows(table, read, fields) + reading_notes(table)
    out.problems.extend(order.notes())
    if from_name:
        out.problems.append(Message(N_("the birth date of %(n)d row(s) was read from the name column '%(column)s' "
                                       "(a name and a birth date in one cell)"), n=from_name, column=fields["name"]))
    if spelled:
        out.problems.append(Message(N_("%(n)d name(s) were followed by their spelling in another script (in parentheses "
                                       "or after a slash), as '%(example)s': each was matched by the name before it, "
                                       "the other spelling kept with the row"), n=len(spelled), example=spelled[0]))
    ids = [e.id for e in out.entries]
    if all(ids) and len(set(ids)) != len(ids) and _by_section(table, out):
        ids = [e.id for e in out.entries]
    if not all(ids) or len(set(ids)) != len(ids):
        if "id" in fields:
            out.problems.append(Message(N_("the id column is empty or repeats values: rows are identified by row "
                                           "number")))
        for e in out.entries:
            e.id = str(e.row_no)
    return out
