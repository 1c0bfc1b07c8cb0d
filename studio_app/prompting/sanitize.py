"""Sanitising user text before it goes into an image-model prompt.

Origin: the original design's ``PromptEngine.sanitize_input`` ("prevent prompt injection";
``custom_prompt`` has ``max_length=500``).

What :func:`sanitize_input` does, in order, and why:

1. **Bounds the work**: only the first ``max(20 * max_length, 10_000)`` characters of the raw input
   are looked at, so a pasted megabyte cannot stall the GUI thread.
2. **Drops invisible and control characters** (every Unicode category ``C*``: controls, format
   characters such as zero-width spaces and bidi overrides, private-use and unassigned code points).
   Line breaks, tabs and the line/paragraph separators become spaces instead, so words stay apart.
   Zero-width characters are the classic way to hide ``ig<ZWSP>nore`` from a filter.
3. **NFKC-normalises** the text, so full-width letters (``ｉｇｎｏｒｅ``), mathematical letters
   (``𝐢𝐠𝐧𝐨𝐫𝐞``) and compatibility braces (``｛``, ``﹛``) become their plain forms before matching.
4. **Removes template braces** ``{`` and ``}``: prompt templates use ``{name}`` placeholders, so user
   text must never contain one (the engine also substitutes in one pass, never with ``str.format``).
5. **Neutralises instruction-override phrases** ("ignore all previous instructions", "disregard
   the above", "you are now", "system prompt", "new instructions:", chat role tags such as
   ``system:`` or ``<|im_start|>``...). Matching is case-insensitive, tolerates any punctuation,
   underscores or spaces between the words, and runs on a copy in which common Cyrillic/Greek
   look-alike letters (and Turkish dotless/dotted i) are folded to Latin (NFKC leaves those alone).
   Multi-word phrases match even when glued to other characters (``0ignore previous
   instructions``), because a model still reads them; the price is that rare innocent text such
   as "you are nowhere" loses its "you are now". Role tags match only when not the end of a
   longer word, so "ecosystem: moss" stays. Matches are replaced by a
   space, and the pass repeats until nothing matches, so removing an inner phrase cannot splice
   an outer one together (``ignore previ<phrase>ous instructions``).
6. **Collapses whitespace** to single spaces and trims the ends.
7. **Truncates** to ``max_length`` characters at the last space (a word boundary) when that space
   lies in the second half of the limit; otherwise (one enormous word) it cuts hard. The phrase
   pass runs again afterwards because a cut can complete a pattern such as ``...system:``.

The whole pipeline repeats (at most a few times) until its output is stable, so sanitising twice
gives the same text as sanitising once.
"""

from __future__ import annotations

import re
import unicodedata

CUSTOM_PROMPT_MAX_LENGTH = 500
"""The original design's limit for the user's custom prompt, in characters."""

_SPACE_LIKE = {"\n", "\r", "\t", "\v", "\f", "\x85", "\u2028", "\u2029"}

# A small confusables table: Cyrillic and Greek letters that look like Latin ones (after Unicode's
# confusables.txt). One character maps to one character, so match positions line up with the text.
_LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝɡ"  # Cyrillic lower, and Latin small script g
    "АВЕКМНОРСТХІЈЅ"  # Cyrillic upper
    "αβεικνορτυχ"  # Greek lower
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"  # Greek upper
    "ıİſ",  # Turkish dotless i, dotted capital I (the one letter whose lower() is 2 chars), long s
    "aeopcyxijsdhlqwg"
    "ABEKMHOPCTXIJS"
    "aBeiKvoptux"
    "ABEZHIKMNOPTYX"
    "iIs",
)

_SEP = r"[\W_]+"  # any run of spaces, punctuation or underscores between two words


def _words(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


_VERB = _words("ignore", "disregard", "forget", "override", "overrule", "bypass")
_DET = _words("all", "any", "the", "of", "your", "my", "these", "those", "every", "each", "its")
_WHEN = _words(
    "previous", "previously", "prior", "above", "earlier", "preceding", "foregoing", "former",
    "original", "existing", "initial", "system", "developer", "safety",
)
_RULES = _words(
    "instructions?", "prompts?", "rules?", "directions?", "directives?", "guidelines?",
    "constraints?", "commands?", "policy", "policies", "restrictions?",
)
_RULES_OR_TEXT = _words(_RULES, "messages?", "context", "text", "settings?", "orders?")

_NOT_AFTER_LETTER = r"(?<![^\W\d_])"  # not glued to a preceding letter ("ecosystem:" is no role tag)

OVERRIDE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)  # lower-case patterns, matched against _fold(text)
    for p in (
        # Multi-word phrases match anywhere, even glued to other characters ("0ignore previous
        # instructions", "disregard the abovex"): a model still reads them, and the phrases are
        # specific enough that ordinary picture descriptions do not contain them.
        # ignore (all) previous instructions / disregard the above text / forget your rules
        rf"{_VERB}{_SEP}(?:{_DET}{_SEP})*(?:{_WHEN}(?:{_SEP}{_RULES_OR_TEXT})?|{_RULES})",
        # ignore everything above / forget everything you were told
        rf"{_VERB}{_SEP}(?:{_DET}{_SEP})*(?:everything|anything)"
        rf"(?:{_SEP}(?:above|before|else|prior|said|you{_SEP}were{_SEP}told))?",
        # you are now ... / you're now ... / you will now act as ... / from now on ...
        rf"you{_SEP}(?:are|re){_SEP}now",
        rf"you{_SEP}will{_SEP}now{_SEP}(?:be|act|behave|respond|pretend)",
        rf"from{_SEP}now{_SEP}on",
        # system prompt / system message / developer mode / jailbreak / DAN
        rf"(?:system|developer){_SEP}(?:prompts?|messages?|instructions?|mode)",
        r"jail[\W_]*break",
        rf"do{_SEP}anything{_SEP}now",
        # new instructions: / updated directives / your real role
        rf"(?:new|updated|real|actual|revised|true|secret|override){_SEP}"
        rf"(?:instructions?|directives?|role|persona)",
        # reveal / print / repeat your (system) prompt
        rf"(?:reveal|print|show|repeat|output|leak|dump){_SEP}(?:{_DET}{_SEP})*"
        rf"(?:{_WHEN}{_SEP})?(?:prompts?|instructions?)",
        # role tags: "system:", "assistant :", "### Instruction" (not inside a longer word)
        rf"{_NOT_AFTER_LETTER}(?:system|assistant|developer|user|human)\s*:",
        r"#{2,}\s*(?:system|instructions?|response|assistant|user)",
        # chat-template control tokens and pseudo-XML role tags
        r"<\|[^|<>]{0,40}\|>",
        r"\[/?(?:inst|sys|system)\]",
        r"<<\s*/?\s*sys\s*>>",
        r"</?\s*(?:system|assistant|developer|user|instructions?)\s*/?>",
    )
)
"""Instruction-override patterns, matched against the look-alike-folded text (see module docstring)."""


def _strip_controls(text: str) -> str:
    if text.isprintable():  # fast path: no C* character and no separator other than " "
        return text
    out = []
    for ch in text:
        if ch in _SPACE_LIKE:
            out.append(" ")
        elif unicodedata.category(ch)[0] != "C":
            out.append(ch)
    return "".join(out)


def _fold(text: str) -> str:
    """Look-alikes folded to Latin, then lower-cased; same length as ``text`` so spans line up."""
    folded = text.translate(_LOOKALIKES).lower()
    if len(folded) != len(text):  # a character whose lower() is longer; keep such characters as they are
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text.translate(_LOOKALIKES))
    return folded


def find_override_phrase(text: str) -> str | None:
    """The first instruction-override phrase in ``text`` (as written there), or None.

    Matching folds Cyrillic/Greek look-alike letters to Latin and ignores case; it does not
    NFKC-normalise (``sanitize_input`` does that before calling it).
    """
    folded = _fold(text)
    hits = [m.span() for m in (p.search(folded) for p in OVERRIDE_PATTERNS) if m]
    if not hits:
        return None
    start, end = min(hits)
    return text[start:end]


def _neutralise(text: str) -> str:
    while True:
        folded = _fold(text)
        spans = sorted(m.span() for p in OVERRIDE_PATTERNS for m in p.finditer(folded))
        if not spans:
            return text
        pieces = []
        pos = 0
        for start, end in spans:
            if end <= pos:
                continue
            pieces.append(text[pos:max(start, pos)])
            pieces.append(" ")
            pos = end
        pieces.append(text[pos:])
        text = "".join(pieces)


def _truncate(text: str, max_length: int) -> str:
    if len(text) <= max_length:
        return text
    cut = text[:max_length]
    if text[max_length] != " ":
        space = cut.rfind(" ")
        if space >= max_length // 2:
            cut = cut[:space]
    return cut.rstrip()


def _one_pass(text: str, max_length: int) -> str:
    text = _strip_controls(text)
    text = unicodedata.normalize("NFKC", text)
    text = _strip_controls(text)
    text = text.replace("{", " ").replace("}", " ")
    text = _neutralise(text)
    text = " ".join(text.split())
    text = _truncate(text, max_length)
    text = " ".join(_neutralise(text).split())
    return text


def sanitize_input(text: str | None, max_length: int = CUSTOM_PROMPT_MAX_LENGTH) -> str:
    """Make user text safe to place inside a prompt (see the module docstring for each step).

    Args:
        text: raw user text; None gives "".
        max_length: the longest result, in characters (default 500, the original design's custom_prompt
            limit); must be >= 1.

    Returns:
        One line of text: no control or invisible characters, no ``{``/``}``, no
        instruction-override phrases, single spaces, at most ``max_length`` characters.

    Raises:
        TypeError: ``text`` is not a string.
        ValueError: ``max_length`` < 1.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        raise TypeError(f"sanitize_input expects text, got {type(text).__name__}")
    if max_length < 1:
        raise ValueError(f"max_length must be >= 1, got {max_length}")
    text = text[: max(20 * max_length, 10_000)]
    for _ in range(6):
        cleaned = _one_pass(text, max_length)
        if cleaned == text:
            break
        text = cleaned
    return text
