"""Parse charges as courts, NGOs and lists write them into (code, article, part, point) + the original text.

Handles Russian, Ukrainian, Belarusian and English notations: ``п. «д» ч. 2 ст. 207.3 УК РФ``,
``ст. 280.3 ч. 1``, ``207.3 part 2``, ``ч.2 ст.205.5``, ``Art. 438(2) CC of Ukraine``,
``ч. 5 ст. 111-1 КК України``, lists joined by ``;`` ``,`` ``и`` ``та`` ``and``. A code named after a list
(``ч. 2 ст. 438, ч. 2 ст. 28 КК України``) applies to every charge before it that names none; a code
named before (``RU 356``, ``УК РФ: ст. 205.5``) applies to what follows. Charges that name no code get
``default_code`` (the case's jurisdiction). Administrative codes (``ст. 20.3.3 КоАП РФ`` -> RU-ADM 20.3.3,
``ст. 24.23 КоАП РБ`` -> BY-ADM; a bare ``КоАП`` takes the administrative code of ``default_code``) and the
occupation-era codes (``ст. 430 УК ДНР`` -> DNR 430, ``УК ЛНР`` -> LNR) are codes of their own. Fragments that look like a charge but name no article are
returned as leftovers, never silently dropped.
"""

from __future__ import annotations

from functools import lru_cache
from dataclasses import dataclass, field

from kartoteka.charges.tokens import Kind, Token, tokenize

CODES = ("RU", "BY", "UA", "RU-ADM", "BY-ADM", "DNR", "LNR")
_DOTTED = ("RU", "RU-ADM", "BY-ADM", "UA-ADM", "DNR", "LNR")
ADMIN_OF = {"RU": "RU-ADM", "BY": "BY-ADM", "UA": "UA-ADM", "RU-ADM": "RU-ADM", "BY-ADM": "BY-ADM"}


@dataclass(frozen=True)
class ParsedCharge:
    code: str          # RU / BY / UA / RU-ADM / BY-ADM / DNR / LNR (UA-ADM: named, no catalog), or "" when
                       # neither the text nor the default names one
    article: str       # numbered the way its code numbers articles: RU 207.3, UA/BY 111-1
    part: str = ""
    point: str = ""
    raw: str = ""      # the fragment as written
    code_named: bool = False   # True when the text itself named the code

    def label(self) -> str:
        """``RU 207.3(2)``: code, article and part, the form flags and reports show."""
        part = f"({self.part})" if self.part else ""
        return f"{self.code or '?'} {self.article}{part}"


@dataclass
class ParseResult:
    charges: list[ParsedCharge]
    leftovers: list[str]


@dataclass
class _Draft:
    article: str = ""
    part: str = ""
    points: list[str] = field(default_factory=list)
    code: str | None = None    # None: not named yet; "": named as "the case's code" (bare УК)
    start: int = -1
    end: int = -1

    def touch(self, tok: Token) -> None:
        if self.start < 0:
            self.start = tok.start
        self.end = tok.end


def normalise_article(article: str, code: str) -> str:
    """RU numbers with dots (207.3), BY and UA with hyphens (111-1); people write both."""
    if code in _DOTTED:
        return article.replace("-", ".")
    if code in ("BY", "UA"):
        return article.replace(".", "-")
    return article


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.done: list[_Draft] = []
        self.group: list[_Draft] = []      # finished drafts still waiting for a code named after them
        self.leftovers: list[str] = []
        self.cur = _Draft()
        self.expect: Kind | None = None
        self.article_context = False
        self.sticky: str | None = None     # a code named before the charges it applies to

    def finish(self) -> None:
        cur = self.cur
        if cur.article:
            if cur.code is None and self.sticky is not None:
                cur.code = self.sticky
            self.done.append(cur)
            if cur.code is None:
                self.group.append(cur)
        elif cur.part or cur.points:
            self.leftovers.append(self.text[cur.start:cur.end].strip())
        self.cur = _Draft()
        self.expect = None

    def is_article_number(self, i: int) -> bool:
        if self.expect is Kind.ARTICLE:
            return True
        prev = self.tokens[i - 1] if i > 0 else None
        nxt = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        return ((nxt is None or nxt.kind in (Kind.PART, Kind.PAREN, Kind.CODE, Kind.SEP))
                and (self.article_context or prev is None or prev.kind in (Kind.SEP, Kind.CODE, Kind.WORD)))

    def is_prefix_code(self, i: int) -> bool:
        prev = self.tokens[i - 1] if i > 0 else None
        nxt = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        return (not self.cur.article and (prev is None or prev.kind in (Kind.SEP, Kind.WORD))
                and nxt is not None and nxt.kind in (Kind.NUMBER, Kind.ARTICLE, Kind.PART, Kind.POINT))

    def code(self, i: int, tok: Token) -> None:
        if self.is_prefix_code(i):
            self.sticky = tok.value
            self.cur.touch(tok)
            return
        if self.cur.article:
            self.cur.touch(tok)
            self.cur.code = tok.value
            self.finish()
        for draft in self.group:
            draft.code = tok.value
        self.group.clear()

    def step(self, i: int, tok: Token) -> None:
        cur = self.cur
        if tok.kind is Kind.POINT:
            if cur.article and cur.points:
                self.finish()
            self.cur.touch(tok)
            self.expect = Kind.POINT
        elif tok.kind is Kind.PART:
            if cur.article and cur.part:
                self.finish()
            self.cur.touch(tok)
            self.expect = Kind.PART
        elif tok.kind is Kind.ARTICLE:
            if cur.article:
                self.finish()
            self.cur.touch(tok)
            self.expect = Kind.ARTICLE
            self.article_context = True
        elif tok.kind is Kind.LETTER or (tok.kind is Kind.WORD and self.expect is Kind.POINT and len(tok.value) <= 2):
            if self.expect is Kind.POINT or (cur.points and not cur.article):
                cur.points.append(tok.value)
                cur.touch(tok)
        elif tok.kind is Kind.NUMBER:
            self.number(i, tok)
        elif tok.kind is Kind.PAREN:
            if cur.article and not cur.part:
                cur.part = tok.value
                cur.touch(tok)
        elif tok.kind is Kind.CODE:
            self.code(i, tok)
        elif tok.kind is Kind.SEP:
            if cur.article or tok.value == ";":
                self.finish()
            self.expect = None if not cur.points or cur.article else self.expect

    def number(self, i: int, tok: Token) -> None:
        cur = self.cur
        prev = self.tokens[i - 1] if i > 0 else None
        if cur.part and not cur.article and prev is not None and prev.kind is Kind.SEP:
            cur.part += "," + tok.value        # "ч.ч. 1, 2 ст. 212": several parts of one article
            cur.touch(tok)
        elif self.expect is Kind.PART:
            cur.part = tok.value
            cur.touch(tok)
            self.expect = None
        elif self.expect is Kind.POINT:
            cur.points.append(tok.value)
            cur.touch(tok)
            self.expect = None
        elif self.is_article_number(i):
            if cur.article:
                self.finish()
            self.cur.article = tok.value
            self.cur.touch(tok)
            self.expect = None

    def run(self, default_code: str | None) -> ParseResult:
        for i, tok in enumerate(self.tokens):
            self.step(i, tok)
        self.finish()
        default = (default_code or "").upper()
        default = default if default in CODES else ""
        seen: set[tuple[str, str, str, str]] = set()
        charges: list[ParsedCharge] = []
        named_admin = next((d.code for d in self.done if d.code in ("RU-ADM", "BY-ADM")), "")
        for d in self.done:
            # a bare "КоАП": the case's administrative code, else the one the same text names
            code = (ADMIN_OF.get(default, "") or named_admin) if d.code == "ADM" else (d.code or default)
            charge = ParsedCharge(code=code, article=normalise_article(d.article, code), part=d.part,
                                  point=",".join(d.points), raw=self.text[d.start:d.end].strip(),
                                  code_named=bool(d.code) and (d.code != "ADM" or bool(code)))
            key = (charge.code, charge.article, charge.part, charge.point)
            if key not in seen:
                seen.add(key)
                charges.append(charge)
        if self.text.strip() and not charges and not self.leftovers:
            self.leftovers.append(self.text.strip())
        return ParseResult(charges, self.leftovers)


def parse_text(text: str, *, default_code: str | None = None) -> ParseResult:
    """The charges in ``text`` and the fragments that could not be read as a charge."""
    found, leftovers = _parsed(text, default_code)
    return ParseResult(list(found), list(leftovers))


@lru_cache(maxsize=65536)   # a registry repeats its charge texts; ParsedCharge is immutable
def _parsed(text: str, default_code: str | None) -> tuple[tuple[ParsedCharge, ...], tuple[str, ...]]:
    result = _Parser(text).run(default_code)
    return tuple(result.charges), tuple(result.leftovers)


def parse_charges(text: str, *, default_code: str | None = None) -> list[ParsedCharge]:
    """The charges in ``text``; ``default_code`` (RU/BY/UA) applies where the text names no code."""
    return parse_text(text, default_code=default_code).charges
