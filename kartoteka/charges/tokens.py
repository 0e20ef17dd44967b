"""Split a charges text into tokens: article/part/point markers, numbers, code names, separators."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    LETTER = "letter"    # «д», "а": a point of an article
    CODE = "code"        # a named criminal code (value: RU / BY / UA, or "" for a bare "УК")
    PAREN = "paren"      # (2) right after an article number: its part
    PART = "part"        # ч., часть, частина, part
    ARTICLE = "article"  # ст., статья, стаття, Art., article
    POINT = "point"      # п., пп., пункт, point
    SEP = "sep"          # ; , и та і and
    NUMBER = "number"    # 207.3, 111-1, 111¹
    WORD = "word"        # anything else, including dates and years


@dataclass(frozen=True)
class Token:
    kind: Kind
    value: str
    start: int
    end: int


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_B = r"(?<![\w])"           # start of a word
_E = r"(?![\w])"            # end of a word

# How texts name a code, longest forms first; a bare "УК"/"КК"/"CC" means "the case's own code".
_CODE = r"(?:УК|КК|CC|Criminal\s+Code|Уголовн\w*\s+кодекс\w*|Кримінальн\w*\s+кодекс\w*|Крымінальн\w*\s+кодэкс\w*)"
# Administrative-offence codes; a bare "КоАП" means "the administrative code of the case's state" (ADM).
_ADM = (r"(?:КоАП|CoAO|CAO|Code\s+of\s+Administrative\s+Offen[cs]es|"
        r"Кодекс\w*\s+об\s+административных\s+правонарушениях)")
_Q = r"[«\"„“]?\s*"
_QE = r"\s*[»\"“”]?"
CODE_NAMES: list[tuple[str, str]] = [
    ("RU", _CODE + r"\s*(?:of\s+(?:the\s+)?)?(?:РФ|RF|Российской\s+Федерации|России|Російської\s+Федерації|Росії|"
           r"Russian\s+Federation|Russia)"),
    ("RU", r"(?:Russian|RF)\s+(?:Criminal\s+Code|CC)"),
    ("UA", _CODE + r"\s*(?:of\s+)?(?:України|Украины|Ukraine)"),
    ("UA", r"ККУ|CCU|Ukrainian\s+(?:Criminal\s+Code|CC)"),
    ("BY", _CODE + r"\s*(?:of\s+(?:the\s+)?)?(?:РБ|RB|Республики\s+Беларусь|Рэспублікі\s+Беларусь|Беларуси|"
           r"Білорусі|Republic\s+of\s+Belarus|Belarus)"),
    ("BY", r"Belarusian\s+(?:Criminal\s+Code|CC)"),
    # occupation-era codes of the "ДНР"/"ЛНР": never read as the Russian code
    ("DNR", _CODE + r"\s*(?:of\s+(?:the\s+)?)?(?:" + _Q + r"(?:ДНР|DNR|DPR)" + _QE + r"|Донецкой\s+Народной\s+Республики|"
            r"Донецької\s+народної\s+республіки|Donetsk\s+People'?s\s+Republic)"),
    ("LNR", _CODE + r"\s*(?:of\s+(?:the\s+)?)?(?:" + _Q + r"(?:ЛНР|LNR|LPR)" + _QE + r"|Луганской\s+Народной\s+Республики|"
            r"Луганської\s+народної\s+республіки|Lu[hg]ansk\s+People'?s\s+Republic)"),
    ("", _CODE),
    # administrative-offence codes: "ст. 20.3.3 КоАП РФ" is not criminal article RU 20.3.3
    ("BY-ADM", _ADM + r"\s*(?:of\s+(?:the\s+)?)?(?:РБ|RB|Республики\s+Беларусь|Рэспублікі\s+Беларусь|Беларуси|"
               r"Republic\s+of\s+Belarus|Belarus)"),
    ("BY-ADM", r"Кодекс\w*\s+Республики\s+Беларусь\s+об\s+административных\s+правонарушениях"),
    ("RU-ADM", _ADM + r"\s*(?:of\s+(?:the\s+)?)?(?:РФ|RF|Российской\s+Федерации|России|Russian\s+Federation|Russia)"),
    ("RU-ADM", r"Кодекс\w*\s+Российской\s+Федерации\s+об\s+административных\s+правонарушениях"),
    ("UA-ADM", r"КУпАП|Кодекс\w*\s+України\s+про\s+адміністративні\s+правопорушення"),
    ("ADM", _ADM),
    ("RU", r"RU(?=\s*\d)"), ("UA", r"UA(?=\s*\d)"), ("BY", r"BY(?=\s*\d)"),
]

_NUM = r"\d{1,3}(?:[.\-]\d{1,2}|[¹²³⁴⁵⁶⁷⁸⁹])?(?:[.\-]\d{1,2})?"
_PATTERNS: list[tuple[Kind, str, str]] = [
    (Kind.LETTER, r"[«\"„“'‹]\s*(?:[а-яёіїєґa-z]{1,2}|\d{1,2})\s*[»\"“”'›]", ""),
    *[(Kind.CODE, _B + f"(?:{pattern})" + _E, code) for code, pattern in CODE_NAMES],
    (Kind.PAREN, r"(?<=[\d¹²³⁴⁵⁶⁷⁸⁹])\s*\(\s*\d{1,2}\s*\)", ""),
    (Kind.PART, _B + r"(?:ч\.\s*ч\.|чч\.|ч\.|частина|частини|частині|часть|части|частью|parts?|pt\.|"
     r"ч(?=\s*\d))", ""),
    (Kind.ARTICLE, _B + r"(?:ст\.\s*ст\.|ст\.|статья|статьи|статье|статей|стаття|статті|статтею|арт\.|"
     r"артыкул\w*|art\.|arts\.|articles?|ст(?=\s*\d))", ""),
    (Kind.POINT, _B + r"(?:пп\.|п\.|пункт\w*|points?|sub-?para(?:graph)?\.?|п(?=\s*[«\"„“]))", ""),
    (Kind.SEP, r";|,|\+|\n|&|" + _B + r"(?:и|та|і|й|and)" + _E, ""),
    (Kind.NUMBER, r"(?<!\d)(?<!\d[.,\-])" + _NUM + r"(?!\d|[.\-,]\d)", ""),
    (Kind.WORD, r"[^\W\d_]+|\d+(?:[.,:/\-]\d+)*", ""),
]
_MASTER = re.compile("|".join(f"(?P<g{i}>{p})" for i, (_k, p, _v) in enumerate(_PATTERNS)), re.IGNORECASE)


def _inner(text: str) -> str:
    m = re.search(r"[а-яёіїєґa-z]{1,2}|\d{1,2}", text, re.IGNORECASE)
    return m.group(0).lower() if m else text


def _number(raw: str) -> str:
    for i, ch in enumerate(raw):
        if ch in "¹²³⁴⁵⁶⁷⁸⁹":
            return raw[:i] + "-" + ch.translate(_SUPERSCRIPTS) + raw[i + 1:]
    return raw


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for m in _MASTER.finditer(text):
        group = m.lastgroup or ""
        kind, _pattern, code = _PATTERNS[int(group[1:])]
        raw = m.group(0)
        if kind is Kind.CODE:
            value = code
        elif kind in (Kind.LETTER, Kind.PAREN):
            value = _inner(raw)
        elif kind is Kind.NUMBER:
            value = _number(raw)
        else:
            value = raw.lower()
        tokens.append(Token(kind, value, m.start(), m.end()))
    return tokens
