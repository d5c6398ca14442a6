"""From model replies to candidates: what is kept, what is dropped, and the note the user reads."""
import textwrap

import pytest

from jupyter_optimize import demo
from jupyter_optimize.sources.llm import parse


@pytest.fixture(scope="module")
def original():
    return demo.define()


def fenced(code: str, lang: str = "python", fence: str = "```") -> str:
    return f"{fence}{lang}\n{code.rstrip()}\n{fence}\n"


def test_code_and_explanation_from_a_typical_reply(original):
    reply = ("Here is a faster version.\n\n" + fenced(demo.VECTORIZED)
             + "\n**Explanation:** Both loops are replaced by `np.cumsum` and `np.flatnonzero`. "
               "That moves the work into C. It also avoids 256 Python iterations.")
    found = parse.extract(reply, original)
    assert found.dropped == ""
    assert found.source == demo.VECTORIZED
    assert found.explanation == ("Both loops are replaced by np.cumsum and np.flatnonzero. "
                                 "That moves the work into C.")  # two sentences, no markdown


def test_explanation_before_the_block_when_nothing_follows(original):
    reply = "I vectorized the lookup table with cumsum.\n" + fenced(demo.VECTORIZED)
    assert parse.extract(reply, original).explanation == "I vectorized the lookup table with cumsum."


@pytest.mark.parametrize("lang, fence", [("py", "```"), ("", "```"), ("Python", "~~~"), ("python3", "````")])
def test_fence_styles(original, lang, fence):
    assert parse.extract(fenced(demo.VECTORIZED, lang, fence), original).source == demo.VECTORIZED


def test_the_last_block_defining_the_function_wins(original):
    reply = ("Your original:\n" + fenced(demo.ORIGINAL) + "Faster:\n" + fenced(demo.VECTORIZED)
             + "Usage:\n" + fenced("out = equalize(img, mask)") + fenced("pip install numpy", "bash"))
    assert parse.extract(reply, original).source == demo.VECTORIZED


def test_a_reply_that_is_only_code_is_taken_whole(original):
    assert parse.extract(demo.VECTORIZED, original).source == demo.VECTORIZED


def test_thinking_is_ignored(original):
    reply = "<think>\nMaybe:\n" + fenced(demo.ARGMAX) + "</think>\nNo idea, sorry."
    assert parse.extract(reply, original).dropped == "without code"


def test_an_indented_block_inside_a_list_item(original):
    block = textwrap.indent(fenced(demo.VECTORIZED), "   ")
    assert parse.extract("1. The code:\n" + block, original).source == demo.VECTORIZED


@pytest.mark.parametrize("reply, reason", [
    ("I would use numpy.cumsum for the table.", "without code"),
    ("", "without code"),
    (None, "without code"),
    (fenced("def equalize(img, mask=None)\n    return img"), "with a syntax error"),
    (fenced(demo.VECTORIZED.replace("def equalize", "def equalize_fast")), "not defining equalize"),
    (fenced(demo.VECTORIZED.replace("(img, mask=None)", "(image, mask=None)")), "with a different signature"),
    (fenced(demo.VECTORIZED.replace("(img, mask=None)", "(img)")), "with a different signature"),
    ("```python\ndef equalize(img, mask=None):\n    lut = np.cumsum(", "with a syntax error"),  # cut off
])
def test_replies_without_a_usable_candidate_say_why(original, reply, reason):
    assert parse.extract(reply, original).dropped == reason


def test_compatible_signature_extras_with_defaults_and_annotations(original):
    code = demo.VECTORIZED.replace("(img, mask=None)", "(img: 'np.ndarray', mask: 'np.ndarray | None' = None, *, out=None)")
    assert parse.extract(fenced(code), original).dropped == ""


def test_checking_the_signature_runs_none_of_the_code(original, tmp_path):
    marker = tmp_path / "ran"
    code = (f"open({str(marker)!r}, 'w').close()\n"
            f"@open({str(marker)!r}, 'w')\n"
            f"def equalize(img, mask=open({str(marker)!r}, 'w')) -> open({str(marker)!r}, 'w'):\n    return img\n")
    found = parse.extract(fenced(code), original)
    assert found.dropped == "" and not marker.exists()


def test_demo_code_around_the_function_is_removed(original):
    code = (demo.VECTORIZED + "\nimg = np.zeros((4, 4), np.uint8)\nresult = equalize(img)\nprint(result)\n"
            "if __name__ == '__main__':\n    equalize(img)\n")
    source = parse.extract(fenced("import numpy as np\n" + code), original).source
    assert source == "import numpy as np\n" + demo.VECTORIZED + "\nimg = np.zeros((4, 4), np.uint8)\n"


def test_collect_names_counts_and_the_note(original):
    reworded = demo.VECTORIZED.replace('    """Both loops', '    # same code, other words\n    """Other words')
    replies = [
        fenced(demo.VECTORIZED),
        "no code, sorry",
        fenced(demo.ARGMAX) + "argmax finds the first bin.",
        fenced(reworded),  # same AST: duplicate
        fenced("def equalize(img, mask=None):\n    return img["),
        fenced(demo.ORIGINAL.replace('    """Histogram', '    """A copy.\n    Histogram')),  # the original again
    ]
    collected = parse.collect(replies, original, demo.ORIGINAL)
    assert [(c.name, c.origin) for c in collected.candidates] == [("llm-1", "llm"), ("llm-2", "llm")]
    assert collected.candidates[0].source == demo.VECTORIZED
    assert collected.candidates[1].explanation == "argmax finds the first bin."
    assert parse.summary(len(replies), collected) == (
        "6 responses: 2 candidates, 1 without code, 1 with a syntax error, 1 duplicate, 1 copy of the original")


def test_note_plurals_and_numbering_offset(original):
    collected = parse.collect([fenced(demo.VECTORIZED)] * 3, original, demo.ORIGINAL, first_number=5)
    assert [c.name for c in collected.candidates] == ["llm-5"]
    assert parse.summary(3, collected) == "3 responses: 1 candidate, 2 duplicates"


def test_a_helper_changed_next_to_an_unchanged_function_is_not_a_copy(original):
    code = demo.ORIGINAL + "\ndef round(x):\n    return int(x + 0.5)\n"
    collected = parse.collect([fenced(code)], original, demo.ORIGINAL)
    assert len(collected.candidates) == 1
