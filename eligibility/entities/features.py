"""Token features for the CRF tagger, and the phrase lexicon they draw on.

The lexicon maps lower-cased token sequences seen as annotated entities in the training texts
to the types they were given; a phrase matched in new text adds its types as features, which
carries vocabulary the surrounding words alone cannot (drug names, lab tests, diseases). Word
clusters learnt from unlabelled criteria (``eligibility.entities.clusters``) do the same for words
never annotated at all.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from eligibility.entities.clusters import SIZES, Clusters, word_key
from eligibility.entities.tokens import Token

MAX_PHRASE = 8
_MIN_SHARE = 0.2


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_UNITS = _words(
    "% mg g kg mcg ug µg ng l ml dl mmol umol µmol mol meq iu u mm cm m mmhg bpm "
    "min sec s h hr hrs x uln lln cells mm3 cc gy mci"
)
_TIME = _words(
    "second seconds minute minutes min mins hour hours hr hrs day days daily week weeks "
    "weekly wk wks month months monthly mo year years yr yrs annually night nights"
)
_TIME_CUES = _words(
    "within prior previous past last before after since during until ago recent recently "
    "current currently history preceding following previously"
)
_PERSON = _words(
    "age aged old male males female females men women man woman patient patients subject "
    "subjects child children adult adults infant infants boy boys girl girls participant "
    "participants volunteer volunteers postmenopausal premenopausal gender sex"
)
_NUMBER_WORDS = _words(
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
    "forty fifty sixty hundred half single double"
)
_COMPARATORS = _words("< > = ≤ ≥ ≦ ≧ ± ~ + - / ^")
_NUMBER = re.compile(r"^\d+$")


Lexicon = dict[str, list[str]]


def normalise(word: str) -> str:
    """Lower case, with a plain plural ``s`` dropped, so "tumors" finds "tumor"."""
    lower = word.lower()
    if len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return lower[:-1]
    return lower


def phrase_key(words: Iterable[str]) -> str:
    return " ".join(normalise(word) for word in words)


def _rate_bucket(rate: float) -> str:
    return "lo" if rate < 0.3 else "mid" if rate < 0.7 else "hi"


def build_lexicon(phrases: Iterable[tuple[str, str]], lines: Iterable[Sequence[str]]) -> Lexicon:
    """The types each annotated phrase mostly has, and how often its occurrences are annotated.

    ``phrases`` are (key, type) pairs of annotations; ``lines`` the tokenised texts they came
    from, where every occurrence of a phrase is counted whether annotated or not.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for phrase, kind in phrases:
        counts[phrase][kind] += 1
    seen: Counter[str] = Counter()
    for words in lines:
        keys = [normalise(w) for w in words]
        for i in range(len(keys)):
            for length in range(1, min(MAX_PHRASE, len(keys) - i) + 1):
                key = " ".join(keys[i : i + length])
                if key in counts:
                    seen[key] += 1
    lexicon: Lexicon = {}
    for phrase, by_type in counts.items():
        total = sum(by_type.values())
        tags = []
        for kind, n in sorted(by_type.items()):
            if n / total >= _MIN_SHARE:
                tags.append(kind)
                tags.append(f"{kind}@{_rate_bucket(n / max(seen[phrase], n))}")
        if tags:
            lexicon[phrase] = tags
    return lexicon


def dump_lexicon(lexicon: Lexicon) -> bytes:
    return json.dumps(lexicon, sort_keys=True, separators=(",", ":")).encode("utf-8")


def parse_lexicon(data: bytes) -> Lexicon:
    loaded = json.loads(data.decode("utf-8"))
    return {str(k): [str(t) for t in v] for k, v in loaded.items()}


def _lexicon_marks(keys: list[str], lexicon: Lexicon) -> list[list[str]]:
    marks: list[list[str]] = [[] for _ in keys]
    for i in range(len(keys)):
        for length in range(min(MAX_PHRASE, len(keys) - i), 0, -1):
            tags = lexicon.get(" ".join(keys[i : i + length]))
            if tags is None:
                continue
            for tag in tags:
                marks[i].append(f"lexB={tag}")
                if length == 1:
                    marks[i].append(f"lexU={tag}")
                for j in range(i + 1, i + length):
                    marks[j].append(f"lexI={tag}")
                if length > 1:
                    marks[i + length - 1].append(f"lexE={tag}")
            break
    return marks


def _shape(word: str) -> str:
    out = []
    for ch in word:
        if ch.isupper():
            out.append("X")
        elif ch.islower():
            out.append("x")
        elif ch.isdigit():
            out.append("d")
        else:
            out.append(ch)
    return "".join(out)


def _short_shape(shape: str) -> str:
    out: list[str] = []
    for ch in shape:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


_CLASSES = (
    ("unit", _UNITS),
    ("time", _TIME),
    ("timecue", _TIME_CUES),
    ("person", _PERSON),
    ("numword", _NUMBER_WORDS),
    ("cmp", _COMPARATORS),
)


def _word_class(lower: str) -> list[str]:
    classes = [name for name, words in _CLASSES if lower in words]
    if _NUMBER.match(lower):
        classes.append("num")
    return classes


def sentence_features(
    tokens: list[Token], lexicon: Lexicon, clusters: Clusters | None = None
) -> list[list[str]]:
    """One feature list per token of a line; ``clusters`` adds the word clusters of each word."""
    words = [t.text for t in tokens]
    lowers = [w.lower() for w in words]
    found = clusters or {}
    ids = [found.get(word_key(w)) for w in words]
    shapes = [_short_shape(_shape(w)) for w in words]
    classes = [_word_class(w) for w in lowers]
    marks = _lexicon_marks([normalise(w) for w in words], lexicon)
    n = len(tokens)
    depth = []
    level = 0
    for word in words:
        if word in ")]":
            level = max(level - 1, 0)
        depth.append(level)
        if word in "([":
            level += 1
    features = []
    for i, word in enumerate(words):
        lower = lowers[i]
        f = [
            "bias",
            f"w={lower}",
            f"n={normalise(word)}",
            f"sh={shapes[i]}",
            f"p2={lower[:2]}",
            f"p3={lower[:3]}",
            f"s2={lower[-2:]}",
            f"s3={lower[-3:]}",
            f"s4={lower[-4:]}",
            f"s5={lower[-5:]}",
            f"p4={lower[:4]}",
            f"first={lowers[0]}",
            f"len={min(len(word), 8)}",
        ]
        if word.isupper() and len(word) > 1:
            f.append("upper")
        if word[:1].isupper():
            f.append("title")
        if any(ch.isdigit() for ch in word) and not word.isdigit():
            f.append("alnum-digit")
        f.extend(f"c={c}" for c in classes[i])
        f.extend(marks[i])
        f.extend(_cluster_features("", ids[i], len(SIZES)))
        if depth[i] > 0:
            f.append("in-parens")
        if i == 0:
            f.append("BOL")
        if i == n - 1:
            f.append("EOL")
        for offset in (-3, -2, -1, 1, 2, 3):
            j = i + offset
            if 0 <= j < n:
                f.append(f"{offset}w={lowers[j]}")
                if abs(offset) <= 2:
                    f.append(f"{offset}sh={shapes[j]}")
                    f.extend(f"{offset}c={c}" for c in classes[j])
                if abs(offset) == 1:
                    f.extend(_cluster_features(str(offset), ids[j], 2))
                    f.extend(f"{offset}{m}" for m in marks[j])
                    f.append(f"{offset}s3={lowers[j][-3:]}")
            elif abs(offset) == 1:
                f.append(f"{offset}w=<edge>")
        if i > 0:
            f.append(f"bi-={lowers[i - 1]}|{lower}")
        if i < n - 1:
            f.append(f"bi+={lower}|{lowers[i + 1]}")
        features.append(f)
    return features


def _cluster_features(where: str, ids: list[int] | None, sizes: int) -> list[str]:
    if ids is None:
        return [f"{where}k=none"]
    return [f"{where}k{SIZES[n]}={ids[n]}" for n in range(sizes)]


def line_features(tokens: list[Token]) -> list[str]:
    """Bag of words and word pairs of a whole line, for the line filter."""
    keys = [normalise(t.text) for t in tokens]
    features = ["bias", f"first={keys[0]}"]
    features.extend(f"u={key}" for key in set(keys))
    features.extend({f"b={a}|{b}" for a, b in zip(keys, keys[1:], strict=False)})
    return features
