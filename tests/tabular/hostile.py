"""A generator of hostile and malformed input files (issue 16): CSV, XLSX, DOCX, PDF, JSON Lines and text.

``write_corpus(folder)`` writes every file and returns them as :class:`Hostile` entries. Files marked
``heavy`` (compressed bombs, a sheet declaring millions of rows) are run in a subprocess with a memory
cap by the tests; the rest run in-process. All names are synthetic.
"""

from __future__ import annotations

import gzip
import io
import random
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HEADER = "id,name,birth_date,gender\n"
ROWS = "H1,Иванов Иван Иванович,1980-05-01,m\nH2,Петрова Анна Сергеевна,1975,f\n"
NAMES = ["Иванов Иван Иванович", "ПЕТРОВ ПЁТР ПЕТРОВИЧ", "Сидорова Анна", "Шевченко Олена Петрівна",
         "Müller Jürgen", "Коваль Віктор"]
BOMB_MB = 260          # over the 200 MB unpacked limit


@dataclass(frozen=True)
class Hostile:
    path: Path
    case: str
    heavy: bool = False


Maker = Callable[[Path], None]


def _csv_cases() -> dict[str, bytes]:
    good = (HEADER + ROWS).encode()
    caps = "ИД;ФИО;ДАТА\n1;ИВАНОВ ИВАН ИВАНОВИЧ;1980\n2;ПЕТРОВА АННА;1975\n"
    mixed = "id;name\n1;Иванов Иван Иванович\n2;Петрова Анна Сергеевна\n"
    cases: dict[str, bytes] = {
        "utf8-one-bad-byte": good.replace("Анна".encode(), b"\xff" + "нна".encode()),
        "utf8-truncated-sequence": good + "Иванов".encode()[:-1],
        "bom-then-bad-byte": b"\xef\xbb\xbf" + good.replace("Иван".encode(), b"\xc0\xc0", 1),
        "bom-only": b"\xef\xbb\xbf",
        "utf16-bom": (HEADER + ROWS).encode("utf-16"),
        "utf16-no-bom": (HEADER + ROWS).encode("utf-16-le"),
        "cp1251-caps": caps.encode("cp1251"),
        "koi8r-caps": caps.encode("koi8_r"),
        "cp1251-mixed": mixed.encode("cp1251"),
        "koi8r-mixed": mixed.encode("koi8_r"),
        "latin1-names": "id;name\n1;Müller Jürgen\n2;Böhm Françoise\n".encode("latin-1"),
        "cp866": mixed.encode("cp866"),
        "one-cyrillic-word-cp1251": "Иванов\n".encode("cp1251"),
        "nul-bytes": good.replace(b"H2", b"H\x002"),
        "duplicate-headers": b"id,name,name,birth_date\nD1,A,B,1980\n",
        "duplicate-empty-headers": b"id,name,,\nD1,Ivanov Ivan,x,y\n",
        "empty": b"",
        "whitespace-only": b"   \n\n  \n",
        "header-only": HEADER.encode(),
        "cell-50k": (HEADER + "C1," + "Я" * 50_000 + ",1980,m\n").encode(),
        "cell-300k": (HEADER + "C1," + "x" * 300_000 + ",1980,m\n").encode(),
        "header-300k": ("x" * 300_000 + "\n1\n").encode(),
        "columns-500": (",".join(f"c{i}" for i in range(500)) + "\n" + ",".join("v" for _ in range(500)) + "\n").encode(),
        "unterminated-quote": (HEADER + 'Q1,"Иванов Иван,1980,m\nQ2,Петров,1970,m\n').encode(),
        "ragged-rows": (HEADER + "R1,Иванов,1980,m,extra,more\nR2\n").encode(),
        "semicolon-and-comma": b"id;name,birth_date\n1;A,B\n",
        "markup-in-header": ("id,[bold]name[/],birth_date\nM1,Петров Пётр [/],1980\n").encode(),
        "markup-in-name": (HEADER + "M2,Петров Пётр [/],1980,m\nM3,[red]Иванов[/red] [link=x]y[/link],1970,m\n").encode(),
        "formula-cells": (HEADER + "F1,=HYPERLINK(\"http://x\"),1980,m\nF2,+cmd|' /C calc'!A0,1980,m\n").encode(),
        "name-2000-words": (HEADER + "W1," + " ".join(["Иван"] * 2000) + ",1980,m\n").encode(),
        "name-2000-distinct-words": (HEADER + "W2," + " ".join(f"Слово{i}" for i in range(2000)) + ",1980,m\n").encode(),
        "control-chars": (HEADER + "X1,Иван\x07ов\x1b[31m,1980,m\n").encode(),
        "bidi-zero-width": (HEADER + "X2,\u202eвонавИ\u200b Иван\ufeff,1980,m\n").encode(),
        "nan-and-inf": (HEADER + "N1,Иванов,NaN,m\nN2,Петров,inf,f\nN3,Сидоров,1e400,m\n").encode(),
        "impossible-dates": (HEADER + "D1,Иванов,31.02.1990,m\nD2,Петров,99999-01-01,m\nD3,Сидоров,0000,m\n").encode(),
        "huge-integer-id": (HEADER + "9" * 4300 + ",Иванов,1980,m\n").encode(),
        "id-300-chars": (HEADER + "I" * 300 + ",Иванов,1980,m\n").encode(),
        "cr-line-endings": (HEADER + ROWS).replace("\n", "\r").encode(),
        "crlf-line-endings": (HEADER + ROWS).replace("\n", "\r\n").encode(),
        "random-binary": random.Random(1).randbytes(20_000),
        "gzip-disguised": gzip.compress(good),
        "zip-disguised": b"PK\x03\x04" + random.Random(2).randbytes(500),
        "many-quotes": (HEADER + "Q3," + '"' * 10_000 + ",1980,m\n").encode(),
        "only-delimiters": b";;;;;;;\n;;;;;;\n",
        "lone-surrogate-bytes": good.replace("Анна".encode(), b"\xed\xa0\x80", 1),
        "long-line-no-newline": ("name\n" + "Иванов " * 40_000).encode(),
        "sql-like": (HEADER + "S1,Robert'); DROP TABLE persons;--,1980,m\n").encode(),
        "html-in-name": (HEADER + "S2,<script>alert(1)</script> Иванов,1980,m\n").encode(),
        "tab-delimited": (HEADER + ROWS).replace(",", "\t").encode(),
        "header-of-names": "Иванов Иван\nПетров Пётр\n".encode(),
        "duplicate-ids": (HEADER + "H1,Иванов,1980,m\nH1,Петров,1970,m\n").encode(),
        "ids-only": b"id\n1\n2\n",
        "negative-and-float-ids": (HEADER + "-1,Иванов,1980,m\n1.5e10,Петров,1970,m\n").encode(),
    }
    return cases


def _jsonl_cases() -> dict[str, bytes]:
    good = '{"id": "J1", "name": "Иванов Иван", "birth_date": "1980"}\n'
    return {
        "deep-array": (("[" * 100_000) + ("]" * 100_000) + "\n").encode(),
        "deep-object": ('{"id": "J2", "name": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}\n").encode(),
        "nested-object-value": b'{"id": "J3", "name": {"surname": "Ivanov", "given": "Ivan"}}\n',
        "list-of-objects": b'{"id": "J4", "name": "Ivanov", "aliases": [{"a": 1}]}\n',
        "list-of-scalars": '{"id": "J5", "name": "Иванов", "aliases": ["Ivanov", "Iwanow"]}\n'.encode(),
        "integer-4300-digits": ('{"id": ' + "9" * 4300 + ', "name": "Иванов"}\n').encode(),
        "float-huge-exponent": b'{"id": "J6", "name": "Ivanov", "birth_date": 1e400}\n',
        "nan-infinity": b'{"id": "J7", "name": "Ivanov", "birth_date": NaN}\n{"id": "J8", "name": "X", "x": -Infinity}\n',
        "lone-surrogate": b'{"id": "J9", "name": "\\ud800 Ivanov"}\n',
        "surrogate-pair": b'{"id": "J10", "name": "\\ud83d\\ude00 Ivanov"}\n',
        "not-objects": b'[1, 2]\n"text"\n42\nnull\n',
        "invalid-json": b'{"id": "J11", "name": \n{broken\n',
        "duplicate-keys": b'{"id": "J12", "name": "A", "name": "B"}\n',
        "empty": b"",
        "only-blank-lines": b"\n\n   \n",
        "bom": b"\xef\xbb\xbf" + good.encode(),
        "utf16": good.encode("utf-16"),
        "cp1251": '{"id": "J13", "name": "Иванов Иван"}\n'.encode("cp1251"),
        "huge-string": ('{"id": "J14", "name": "' + "x" * 300_000 + '"}\n').encode(),
        "huge-line-many-keys": ("{" + ",".join(f'"k{i}": {i}' for i in range(5000)) + "}\n").encode(),
        "markup-values": '{"id": "[/]", "name": "Петров Пётр [/]"}\n'.encode(),
        "booleans-and-null": b'{"id": "J15", "name": "Ivanov", "gender": true, "birth_date": null}\n',
        "trailing-garbage": (good.rstrip("\n") + " garbage\n").encode(),
        "key-huge": ('{"' + "k" * 100_000 + '": 1, "id": "J16", "name": "X"}\n').encode(),
        "control-in-string": b'{"id": "J17", "name": "Iva\\u0000nov"}\n',
        "name-2000-words": ('{"id": "J18", "name": "' + " ".join(["Иван"] * 2000) + '"}\n').encode(),
        "number-as-name": b'{"id": "J19", "name": 12345678901234567890}\n',
        "random-binary": random.Random(3).randbytes(10_000),
        "one-million-brackets-string": ('{"id": "J20", "name": "' + "[" * 200_000 + '"}\n').encode(),
        "array-top-level-deep-string": b'{"id": "J21", "name": "a\\\\\\"b"}\n',
    }


def _text_cases() -> dict[str, bytes]:
    return {
        "parens-200k": ("(" * 200_000 + "Иванов Иван\n").encode(),
        "spaces-200k": ("Иванов" + " " * 200_000 + "Иван 1980\n").encode(),
        "born-repeated": (" ".join(["born"] * 40_000) + " 1980\n").encode(),
        "dates-repeated": ("12.12." * 30_000 + " Иванов\n").encode(),
        "years-repeated": ("Иванов 19" * 30_000 + "\n").encode(),
        "dashes": ("Иванов" + " -" * 100_000 + "\n").encode(),
        "numbered-digits": ("1" * 100_000 + ". Иванов\n").encode(),
        "nbsp-run": ("Иванов" + "\u00a0" * 100_000 + "1985\n").encode(),
        "gr-repeated": ("Иванов " + "г. р. " * 30_000 + "1985\n").encode(),
        "many-lines": "\n".join(f"{i}. Иванов{i} Иван, {1950 + i % 50} г.р." for i in range(3_000)).encode(),
        "name-2000-words": (" ".join(["Иван"] * 2000) + "\n").encode(),
        "cp1251-list": "1. Иванов Иван Иванович, 1980 г.р.\n2. Петрова Анна\n".encode("cp1251"),
        "koi8-list": "1. Иванов Иван Иванович, 1980 г.р.\n2. Петрова Анна\n".encode("koi8_r"),
        "bom-bad-byte": b"\xef\xbb\xbf1. \xd0\x98\xff\n",
        "binary": random.Random(4).randbytes(30_000),
        "no-letters": b"1.\n2.\n----\n12345\n",
        "markup": "1. Петров Пётр [/]\n2. [bold]Иванов[/bold]\n".encode(),
        "delimited-header-duplicate": b"id;name;name\n1;A;B\n",
        "nul": b"\x00\x00\x00Ivanov\n",
        "utf16": "1. Иванов Иван\n".encode("utf-16"),
    }


def _xlsx(rows: Sequence[Sequence[object]], *, hidden_first: bool = False, sheets: int = 1) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    if hidden_first:
        ws.sheet_state = "hidden"
        other = wb.create_sheet("visible")
        other.append(["id", "name"])
        other.append(["V1", "Видимый Иван"])
    for i in range(1, sheets):
        wb.create_sheet(f"s{i}").append(["id", "name"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """Rewrite a zip's members: ``change(name, content)`` returns new content, or None to drop it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            new = change(info.filename, src.read(info.filename))
            if new is not None:
                dst.writestr(info.filename, new)
    return out.getvalue()


def _bomb_member(data: bytes, member: str, filler: bytes) -> bytes:
    """Replace (or add) ``member``: a highly compressible one of BOMB_MB megabytes (a compression bomb)."""
    big = filler * (BOMB_MB * 1024 * 1024 // len(filler))
    replaced = _rezip(data, lambda name, content: big if name == member else content)
    with zipfile.ZipFile(io.BytesIO(replaced)) as z:
        if member in z.namelist():
            return replaced
    out = io.BytesIO(replaced)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr(member, big)
    return out.getvalue()


def _xlsx_cases() -> dict[str, tuple[bytes, bool]]:
    base = [["id", "name", "birth_date"], ["X1", "Иванов Иван", "1980"], ["X2", "Петрова Анна", "1975"]]
    plain = _xlsx(base)

    def declare_rows(name: str, content: bytes) -> bytes:
        if name.startswith("xl/worksheets/sheet"):
            text = content.decode()
            text = text.replace("<dimension ref=\"A1:C3\"/>", "<dimension ref=\"A1:C3000000\"/>")
            return text.replace("</sheetData>", "<row r=\"3000000\"><c r=\"A3000000\" t=\"inlineStr\"><is><t>x</t>"
                                "</is></c></row></sheetData>").encode()
        return content

    def no_sheets(name: str, content: bytes) -> bytes | None:
        if name.startswith("xl/worksheets/"):
            return None
        if name == "xl/workbook.xml":
            text = content.decode()
            start, end = text.find("<sheets>"), text.find("</sheets>")
            return (text[:start] + "<sheets/>" + text[end + len("</sheets>"):]).encode() if start >= 0 else content
        return content

    def nan_cell(name: str, content: bytes) -> bytes:
        if name.startswith("xl/worksheets/sheet"):
            return content.replace(b"<v>1980</v>", b"<v>NaN</v>").replace(b"<v>1975</v>", b"<v>1e400</v>")
        return content

    numeric = _xlsx([["id", "name", "birth_date"], [1, "Иванов", 1980], [2, "Петров", 1975]])
    cases: dict[str, tuple[bytes, bool]] = {
        "plain": (plain, False),
        "hidden-first-sheet": (_xlsx(base, hidden_first=True), False),
        "duplicate-headers": (_xlsx([["id", "name", "name"], ["X3", "A", "B"]]), False),
        "empty-sheet": (_xlsx([]), False),
        "header-only": (_xlsx([base[0]]), False),
        "markup": (_xlsx([["id", "[bold]name[/]"], ["[/]", "Петров Пётр [/]"]]), False),
        "cell-40k": (_xlsx([["id", "name"], ["X4", "Я" * 40_000]]), False),
        "columns-300": (_xlsx([[f"c{i}" for i in range(300)], ["v"] * 300]), False),
        "formulas": (_xlsx([["id", "name"], ["X5", "=1+1"], ["X6", "=HYPERLINK(\"http://x\",\"y\")"]]), False),
        "dates-and-numbers": (_xlsx([["id", "name", "birth_date"], [1.5, "Иванов", 19801231],
                                     [10**20, "Петров", -1]]), False),
        "name-2000-words": (_xlsx([["id", "name"], ["X7", " ".join(["Иван"] * 2000)]]), False),
        "many-sheets": (_xlsx(base, sheets=50), False),
        "declares-3m-rows": (_rezip(plain, declare_rows), True),
        "no-sheets": (_rezip(plain, no_sheets), False),
        "nan-number-cells": (_rezip(numeric, nan_cell), False),
        "no-shared-strings-part": (_rezip(plain, lambda n, c: None if n == "xl/sharedStrings.xml" else c), False),
        "no-workbook-part": (_rezip(plain, lambda n, c: None if n == "xl/workbook.xml" else c), False),
        "broken-sheet-xml": (_rezip(plain, lambda n, c: c[: len(c) // 2] if n.startswith("xl/worksheets/") else c),
                             False),
        "truncated-zip": (plain[: len(plain) // 2], False),
        "not-a-zip": (b"this is not a workbook", False),
        "random-zip": (_rezip(plain, lambda n, c: random.Random(5).randbytes(len(c))), False),
        "shared-strings-bomb": (_bomb_member(plain, "xl/sharedStrings.xml", b"<si><t>AAAAAAAA</t></si>"), True),
        "sheet-bomb": (_bomb_member(plain, "xl/worksheets/sheet1.xml", b"<row><c><v>1</v></c></row>"), True),
        "xml-entity-expansion": (_rezip(plain, lambda n, c: _laughs("worksheet") if n == "xl/worksheets/sheet1.xml"
                                        else c), True),
        "docx-renamed-xlsx": (_docx_table([["id", "name"], ["1", "Иванов"]]), False),
    }
    return cases


def _laughs(root: str = "sst") -> bytes:
    """A billion laughs: nine levels of ten entity references each, used in one cell or text."""
    ents = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    body = ('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row></sheetData>'
            if root == "worksheet" else "<si><t>&a9;</t></si>")
    return f'<?xml version="1.0"?><!DOCTYPE {root} [{ents}]><{root} xmlns="{ns}">{body}</{root}>'.encode()


def _docx_table(rows: list[list[str]], *, paragraphs: list[str] | None = None) -> bytes:
    from docx import Document

    doc = Document()
    for p in paragraphs or []:
        doc.add_paragraph(p)
    if rows:
        table = doc.add_table(rows=0, cols=len(rows[0]))
        for r in rows:
            for cell, v in zip(table.add_row().cells, r):
                cell.text = v
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_cases() -> dict[str, tuple[bytes, bool]]:
    table = [["№", "ФИО", "Дата рождения"], ["1", "Иванов Иван Иванович", "01.02.1980"], ["2", "Петрова Анна", "1975"]]
    plain = _docx_table(table)
    return {
        "plain-table": (plain, False),
        "paragraphs": (_docx_table([], paragraphs=["1. Иванов Иван, 1980 г.р.", "2. Петрова Анна"]), False),
        "empty": (_docx_table([]), False),
        "duplicate-headers": (_docx_table([["ФИО", "ФИО"], ["Иванов", "Петров"]]), False),
        "markup": (_docx_table([["ФИО"], ["Петров Пётр [/]"], ["[bold]Иванов[/]"]]), False),
        "name-2000-words": (_docx_table([["ФИО"], [" ".join(["Иван"] * 2000)]]), False),
        "parens-paragraph": (_docx_table([], paragraphs=["(" * 100_000 + "Иванов"]), False),
        "many-columns": (_docx_table([[f"c{i}" for i in range(60)], ["v"] * 60]), False),
        "document-bomb": (_bomb_member(plain, "word/document.xml", b"<w:p><w:r><w:t>A</w:t></w:r></w:p>"), True),
        "xml-entity-expansion": (_rezip(plain, lambda n, c: _laughs() if n == "word/document.xml" else c), True),
        "truncated": (plain[: len(plain) // 2], False),
        "not-a-zip": (b"not a document at all", False),
        "no-document-part": (_rezip(plain, lambda n, c: None if n == "word/document.xml" else c), False),
        "broken-xml": (_rezip(plain, lambda n, c: c[: len(c) // 3] if n == "word/document.xml" else c), False),
        "xlsx-renamed-docx": (_xlsx([["id", "name"], ["1", "Иванов"]]), False),
        "control-chars": (_docx_table([["ФИО"], ["Иван\u202eов\u200b"]]), False),
        "many-rows": (_docx_table([["№", "ФИО"]] + [[str(i), f"Иванов{i} Иван"] for i in range(400)]), False),
        "html-name": (_docx_table([["ФИО"], ["<script>alert(1)</script>"]]), False),
        "random-members": (_rezip(plain, lambda n, c: random.Random(6).randbytes(len(c))), False),
        "ten-thousand-members": (_many_members(), False),
    }


def _many_members() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in range(10_050):
            z.writestr(f"f{i}", b"")
    return out.getvalue()


def _raw_pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _text_pdf(lines: list[str]) -> bytes:
    stream = b"BT /F1 12 Tf 72 720 Td " + b" ".join(f"({ln}) Tj 0 -14 Td".encode("latin-1") for ln in lines) + b" ET"
    return _raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                     b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                     b"/Resources << /Font << /F1 5 0 R >> >> >>",
                     f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream",
                     b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def _pdf_cases() -> dict[str, tuple[bytes, bool]]:
    plain = _text_pdf(["1. Ivanov Ivan, 1980", "2. Petrova Anna"])
    bomb = zlib.compress(b"BT (" + b"A" * (BOMB_MB * 1024 * 1024) + b") Tj ET", 1)
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>")
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return {
        "plain": (plain, False),
        "no-text": (_raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"]), False),
        "truncated": (plain[: len(plain) // 2], False),
        "not-a-pdf": (b"%PDF-1.4 but nothing else", False),
        "random": (b"%PDF-1.7\n" + random.Random(7).randbytes(20_000), False),
        "self-referencing-pages": (_raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                             b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]), False),
        "deep-arrays": (_raw_pdf([b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 50_000 + b"]" * 50_000 + b" >>",
                                  b"<< /Type /Pages /Kids [] /Count 0 >>"]), False),
        "flate-bomb": (_raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                 page, f"<< /Length {len(bomb)} /Filter /FlateDecode >>\nstream\n".encode() + bomb
                                 + b"\nendstream", font]), True),
        "markup-text": (_text_pdf(["Petrov Pyotr [/]", "[bold]Ivanov[/]"]), False),
        "long-line": (_text_pdf([" ".join(["Ivan"] * 2000)]), False),
        "parens-text": (_text_pdf(["\\(" * 20_000 + "Ivanov"]), False),
        "many-lines": (_text_pdf([f"{i}. Ivanov{i} Ivan" for i in range(2000)]), False),
        "wrong-xref": (plain.replace(b"startxref\n", b"startxref\n999999"), False),
        "encrypted-marker": (plain.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt << /Filter /Standard /V 9 >>"), False),
        "missing-eof": (plain.replace(b"%%EOF", b""), False),
        "huge-page-count": (_raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                                      b"<< /Type /Pages /Kids [" + b"3 0 R " * 5_000 + b"] /Count 5000 >>",
                                      page, b"<< /Length 0 >>\nstream\n\nendstream", font]), False),
    }


def write_corpus(folder: Path) -> list[Hostile]:
    """Write every hostile file under ``folder``; returns them with their case names."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Hostile] = []

    def put(case: str, suffix: str, data: bytes, heavy: bool = False) -> None:
        path = folder / f"{case}.{suffix}"
        path.write_bytes(data)
        out.append(Hostile(path, f"{suffix}:{case}", heavy))

    for case, data in _csv_cases().items():
        put(case, "csv", data)
    for case, data in _jsonl_cases().items():
        put(case, "jsonl", data)
    for case, data in _text_cases().items():
        put(case, "txt", data)
    for case, (data, heavy) in _xlsx_cases().items():
        put(case, "xlsx", data, heavy)
    for case, (data, heavy) in _docx_cases().items():
        put(case, "docx", data, heavy)
    for case, (data, heavy) in _pdf_cases().items():
        put(case, "pdf", data, heavy)
    return out
