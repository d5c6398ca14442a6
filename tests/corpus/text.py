"""Originals over strings: Unicode case mapping, whitespace splitting."""
from __future__ import annotations

from . import Entry, Wrong, code

ENTRIES = (
    Entry(
        about="Unicode lower() vs counting capitals vs re.IGNORECASE",
        original=code("""
            def count_vowels(text):
                return sum(1 for ch in text.lower() if ch in "aeiou")
        """),
        calls=lambda: [(("The quick brown fox jumps over the lazy dog",), {})],
        right=(
            'def count_vowels(text):\n    return sum(map(text.lower().count, "aeiou"))\n',
            code("""
                def count_vowels(text):
                    low = text.lower()
                    return len(low) - len(low.translate(str.maketrans("", "", "aeiou")))
            """),
        ),
        wrong=(
            Wrong('def count_vowels(text):\n    return sum(text.count(v) for v in "aeiouAEIOU")\n',
                  "'İ'.lower() is 'i' + a combining dot: a vowel the capitals list misses", ("İ",)),
            Wrong('def count_vowels(text):\n    return len(re.findall("[aeiou]", text, re.IGNORECASE))\n',
                  "re.IGNORECASE matches dotless 'ı' to 'i'; 'ı'.lower() is not a vowel", ("ı",)),
        ),
    ),
    Entry(
        about="split(' ') keeps empty fields, split() does not",
        original=code("""
            def word_lengths(sentence):
                return [len(w) for w in sentence.split(" ")]
        """),
        calls=lambda: [(("pack my box with five dozen liquor jugs",), {})],
        right=('def word_lengths(sentence):\n    return list(map(len, sentence.split(" ")))\n',),
        wrong=(
            Wrong("def word_lengths(sentence):\n    return [len(w) for w in sentence.split()]\n",
                  "split() drops empty fields and splits on any whitespace", (" ",)),
            Wrong('def word_lengths(sentence):\n    return [len(w) for w in re.split(r"\\s", sentence)]\n',
                  "\\s also splits on newlines and tabs", ("a\nb",)),
        ),
    ),
)
