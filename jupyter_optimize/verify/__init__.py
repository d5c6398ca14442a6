"""Judging sameness: original against candidate on live and generated inputs.

`compare` says what "the same" means, `judge` runs both sides on one input,
`inputs` draws inputs like the live ones, `search` looks through them with
hypothesis, `check` verifies one candidate end to end, `determinism` studies
the original alone, `watch` observes globals and line coverage, and
`describe` writes values and calls in one short line.
"""
