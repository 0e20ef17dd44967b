"""name_keys computed again after the name data changed: Kazakh, Uzbek, Tajik and Tatar Cyrillic letters
(қ ғ ұ ү ө ә һ ҳ ң ҷ җ ӣ ӯ), which keys dropped, are read as Russian renders them; ў is read u (the Uzbek vowel;
the Belarusian ў still folds to v after a vowel), and so is Łacinka ŭ; Uzbek Latin o' is у; an apostrophe typed
as ‘ no longer splits a word; Uzbek and Kazakh patronymic particles; new given names (Dymitr, Ömer/Омер, Слава
for Станислав, Уткир, Тулкин: the given-name classes after them are numbered anew). Persons with such names
get other keys than those stored. As 0023, 0029 and 0030: no table changes; the mark -1 makes the next search
(or `kartoteka index rebuild`) compute every person's keys.

Revision ID: 0031
Revises: 0030
"""

from __future__ import annotations

from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE name_keys_state SET seq = -1")


def downgrade() -> None:
    op.execute("UPDATE name_keys_state SET seq = -1")
