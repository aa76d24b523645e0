"""The subject line of an email whose subject is a notice's own text (an immediate notification, a hearing's
change): mail clients show about a hundred characters, and the body has the whole notice."""

import re

SUBJECT_LENGTH = 120
# A subject shorter than this is hardly worth the cut: the notice then runs on to a clause or word break.
_SHORTEST_CUT = SUBJECT_LENGTH // 3
_SENTENCE_END = re.compile(r"[.!?](?=\s+[«“\"(]?(\w))")
_CLAUSE_BREAK = re.compile(r"[,;](?=\s)")


def email_subject(text: str, *, limit: int = SUBJECT_LENGTH) -> str:
    """`text` on one line in at most `limit` characters. A longer text ends at its last whole sentence that
    fits, else at a clause or word break with an ellipsis: cut at a fixed length, a Russian subject ended
    "место" as "ме…", a Kazakh one with the first word of a second sentence ("…жіберді. Жауап…") and another
    with a full stop before the ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    sentence_ends = [
        match.end()
        for match in _SENTENCE_END.finditer(text)
        # A capital starts the next sentence; after "2026 г." or "ж." a lower-case word goes on with it.
        if match.end() <= limit and match.group(1).isupper()
    ]
    if sentence_ends and sentence_ends[-1] >= _SHORTEST_CUT:
        return text[: sentence_ends[-1]]
    room = text[: limit - 1]
    clause_breaks = [match.start() for match in _CLAUSE_BREAK.finditer(room)]
    if clause_breaks and clause_breaks[-1] >= limit // 2:
        return room[: clause_breaks[-1]] + "…"
    if not text[limit - 1].isspace() and " " in room[_SHORTEST_CUT:]:
        room = room.rsplit(" ", 1)[0]
    return room.rstrip(" ,;:.") + "…"
