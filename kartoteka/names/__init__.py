"""Names: parse a written name into parts, detect script and language, transliterate."""
