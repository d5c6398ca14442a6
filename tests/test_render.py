from jupyter_optimize import demo, optimize
from jupyter_optimize.render import html, text


def test_text_and_html_show_verdicts_reasons_counterexample_diff_and_profile(equalize, seed_calls):
    report = optimize(equalize, seed_calls, candidates=[demo.ARGMAX, demo.VECTORIZED], time_budget=0.5)
    plain = text.render(report)
    lines = plain.splitlines()
    table_rows = [line for line in lines if line.startswith("candidate ") and "origin" not in line]
    assert "faster" in table_rows[0] and "incorrect" in table_rows[1]  # best first
    assert "mask=<bool array (128, 128), 0 True>" in plain
    assert ">>" in plain and "lut[level]" in plain  # hottest lines marked
    page = html.render(report)
    assert page.count("<details>") >= 3  # two candidates and the profile
    assert "-    first = 0" in page or "first = 0" in page
    assert "argmax(hist &gt; 0)" in page  # the diff shows the rewrite, escaped
    assert "rgba(255,140,0" in page  # hot lines shaded


def test_empty_report_says_to_pass_candidates():
    def f(x):
        return x + 1

    plain = text.render(optimize(f, [((1,), {})], time_budget=0.2))
    assert "--candidate" in plain
