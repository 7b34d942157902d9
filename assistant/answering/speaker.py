"""Who said it: the speaker a news sentence attributes its quotation to.

News attributes a quotation with a reporting verb at its close: „…“, sagte der Vertreter
Nordkoreas am Montag / "…," said Rudenko / "…," the ambassador said. The verbs are a closed class
in each language, as the interrogatives are. A question that asks who said, warned or wrote
something ("Wer sagte …", "Who warned …") is answered by that speaker: the noun phrase after the
verb (or, in English, before it), up to punctuation or the first word that begins something else
("am Montag", "demnach", "mit" of "teilte … mit").

Only the speaker a quotation mark and a reporting verb point to is taken. A pronoun ("sagte er")
is no answer, and a sentence that names its speaker elsewhere ("Die Sprecherin, Sabrina Singh,
teilte … mit") gets no span: without a parser, a subject before the verb cannot be told from an
object.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.retrieval.retrieve import Evidence
from assistant.tokens import STOPWORDS, tokenize

# reporting verbs, German (past and present, as news writes them) and English; matched as words
_GERMAN_VERBS = ("sagte sagten sagt erklärte erklärten erklärt schrieb schrieben schreibt warnte warnten warnt "
                 "betonte betonten betont fügte fügten fügt forderte forderten fordert meinte meinten meint "
                 "teilte teilten teilt kritisierte kritisierten kritisiert bestätigte bestätigten bestätigt "
                 "antwortete antworteten antwortet kündigte kündigten kündigt hoffte hofft räumte räumt "
                 "behauptete behauptet versicherte versichert drohte droht mahnte mahnt")
_ENGLISH_VERBS = ("said says told wrote writes warned warns stressed stresses added adds stated states explained "
                  "explains noted notes claimed claims asked asks announced announces argued argues insisted "
                  "insists urged urges confirmed confirms replied replies threatened threatens hoped hopes")
_VERBS = frozenset((_GERMAN_VERBS + " " + _ENGLISH_VERBS).split())
# the stems of the reporting verbs, to tell a question about a speaker ("Wer warnte …", "Who said …")
_VERB_STEMS = frozenset(s for v in _VERBS for s in tokenize(v)) | frozenset(
    s for v in "sagen erklären schreiben warnen betonen hinzufügen fordern meinen mitteilen kritisieren "
               "bestätigen antworten ankündigen hoffen behaupten versichern drohen mahnen say tell write warn "
               "stress add state explain note claim ask announce argue insist urge confirm reply threaten hope"
    .split() for s in tokenize(v))
# a quotation's close, then a comma (German „…“, sagte X; English "…," said X)
_CLOSE = re.compile(r"[“”\"»«]\s*,?\s*|,\s*[“”\"»«]\s*")
_OPEN = re.compile(r"[„“\"»«]")
MIN_QUOTED = 3  # words a quotation has at least; fewer is a quoted name or title
_TOKEN = re.compile(r"[\w\-]+|[^\w\s]")
# what a noun phrase may hold before its first capitalised word, and after it (a genitive)
_DETERMINERS = frozenset("der die das des dem den ein eine eines einer einem the a an his her their its".split())
_GENITIVE = frozenset("des der eines einer of the".split())
_ADJECTIVE = re.compile(r"\w+(?:e|en|er|es|em|ive|al|ian|ese|ish|ic|ent|ant|ary|or)$")
MAX_WORDS = 6


# a speaker named by a personal pronoun: „…“, fügte er hinzu / "…," he added
_PRONOUNS = frozenset("er sie he she".split())
MAX_QUOTED_SENTENCES = 3  # how far a quotation runs on, and how far back its speaker was named


def attributed_first(chosen: Sequence[Evidence], evidence: Sequence[Evidence]) -> list[Evidence]:
    """``chosen`` led by the sentence that names the speaker of the quotation ``chosen[0]`` is part
    of, when ``chosen[0]`` names none, with ``chosen[0]`` and the quotation's close beside it.

    News runs a quotation over several sentences and names its speaker once: „Seoul muss …“, sagte
    Rudenko. „Natürlich werden wir … reagieren. Es ist unwahrscheinlich …“, fügte er hinzu. The
    sentence that holds the quoted words names nobody; the quotation's close is attributed to "er",
    and "er" is the speaker of the quotation before it, in the same chunk. Both steps follow the
    quotation marks and the reporting verbs, as a reader does; there is no coreference model."""
    if not chosen or speaker_span(chosen[0].text) is not None:
        return list(chosen)
    first = chosen[0]
    scored = {e.start: e for e in evidence if e.chunk.chunk_id == first.chunk.chunk_id}
    starts = [s.start for s in first.chunk.sentences]
    if first.start not in starts:
        return list(chosen)
    at = starts.index(first.start)
    closing = at
    if _unclosed(first.text):  # the quotation runs on: its close is a sentence or two later
        later = [i for i in range(at + 1, min(len(starts), at + 1 + MAX_QUOTED_SENTENCES))
                 if _CLOSE.search(_sentence(first, i))]
        closing = later[0] if later else -1
    if closing < 0:
        return list(chosen)
    named = closing if speaker_span(_sentence(first, closing)) is not None else None
    if named is None and _by_pronoun(_sentence(first, closing)):
        before = range(at - 1, max(-1, at - 1 - MAX_QUOTED_SENTENCES), -1)
        named = next((i for i in before if speaker_span(_sentence(first, i)) is not None), None)
    lead = scored.get(starts[named]) if named is not None else None
    if lead is None:
        return list(chosen)
    # the chain a reader checks: who is named, the quoted words, and the close that says "er"
    chain = [lead, first, *([scored[starts[closing]]] if starts[closing] in scored else [])]
    chain = list({e.start: e for e in chain}.values())
    rest = [e for e in chosen if all(e.text != c.text for c in chain)]
    return [*chain, *rest][: max(len(chosen), len(chain))]


def _sentence(evidence: Evidence, index: int) -> str:
    chunk = evidence.chunk
    sentence = chunk.sentences[index]
    return chunk.text[sentence.start - chunk.start: sentence.end - chunk.start]


def _unclosed(text: str) -> bool:
    """Whether ``text`` opens a quotation it does not close. “ opens in English and closes in German,
    so a mark is told by where it stands: one that opens follows a space (or starts the text) and
    comes before a word."""
    opened = closed = -1
    for at, mark in enumerate(text):
        if mark not in "„“”\"»«":
            continue
        after = text[at + 1: at + 2]
        opening = (at == 0 or text[at - 1].isspace() or text[at - 1] == "(") and (after.isalnum() or after == "…")
        if opening and mark != "”":
            opened = at
        else:
            closed = at
    return opened > closed


def _by_pronoun(text: str) -> bool:
    """Whether the quotation ``text`` closes is attributed to a pronoun: „…“, fügte er hinzu."""
    for close in _CLOSE.finditer(text):
        words = [t.group().lower() for t in _TOKEN.finditer(text, close.end())][:3]
        if len(words) >= 2 and ((words[0] in _VERBS and words[1] in _PRONOUNS)
                                or (words[0] in _PRONOUNS and words[1] in _VERBS)):
            return True
    return False


def asks_for_speaker(question: str) -> bool:
    """Whether a who-question asks who said, warned or wrote something (a reporting verb in it)."""
    return bool(set(tokenize(question)) & _VERB_STEMS)


def speaker_span(text: str) -> tuple[int, int] | None:
    """Where in ``text`` the speaker of its quotation stands: after the verb that follows the
    quotation's close („…“, sagte der Vertreter Nordkoreas), or, in English, between the close
    and the verb ("…," the ambassador said)."""
    for close in _CLOSE.finditer(text):
        quoted = _OPEN.split(text[: close.start()])[-1]
        if len(quoted.split()) < MIN_QUOTED:
            continue  # a quoted name or title („Newsweek“ warnte …), not a quotation
        tokens = list(_TOKEN.finditer(text, close.end()))
        if not tokens:
            continue
        found = _phrase(tokens[1:]) if tokens[0].group().lower() in _VERBS else _before_verb(tokens)
        if found is not None:
            return found
    return None


def _before_verb(tokens: list[re.Match[str]]) -> tuple[int, int] | None:
    """English "…," the ambassador said: the phrase between the close and the verb."""
    for at, token in enumerate(tokens[: MAX_WORDS + 1]):
        if token.group().lower() in _VERBS and at > 0:
            return _phrase(tokens[:at], whole=True)
        if not token.group()[0].isalnum():
            return None
    return None


def _phrase(tokens: list[re.Match[str]], whole: bool = False) -> tuple[int, int] | None:
    """The noun phrase the tokens begin with: determiners and adjectives, then capitalised words,
    a genitive after them; it ends at punctuation, at any other lower-case word, or after
    ``MAX_WORDS``. ``whole``: every token must belong to it."""
    taken: list[re.Match[str]] = []
    head = False
    for token in tokens[:MAX_WORDS]:
        word = token.group()
        lower = word.lower()
        if not word[0].isalnum():
            break
        if word[0].isupper() and lower not in STOPWORDS:
            head = True
        elif lower in _DETERMINERS and (not head or lower in _GENITIVE):
            pass
        elif not head and lower not in STOPWORDS and _ADJECTIVE.match(lower):
            pass  # "der stellvertretende Sprecher", "the Russian ambassador"
        elif lower not in STOPWORDS and _english(tokens):
            pass  # an English noun is lower-case: "the Russian ambassador"
        else:
            break
        taken.append(token)
    while taken and taken[-1].group().lower() in STOPWORDS:
        taken.pop()  # "der Vertreter des" ends on its noun
    if not taken or (whole and len(taken) != len(tokens)):
        return None
    # a noun, not only a pronoun ("sagte er", "he said") or an adjective
    if not any(t.group().lower() not in STOPWORDS and (t.group()[0].isupper() or _english(tokens)) for t in taken):
        return None
    return taken[0].start(), taken[-1].end()


def _english(tokens: list[re.Match[str]]) -> bool:
    """Whether the phrase is English: German capitalises its nouns, English writes them lower-case."""
    return any(t.group().lower() in ("the", "a", "an", "his", "her", "their", "its") for t in tokens[:2])
