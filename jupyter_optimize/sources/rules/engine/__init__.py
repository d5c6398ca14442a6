"""The machinery the rule families share; no module here imports a family.

`kinds` (what sort of value a name held) and `probe` (learning them from the
live calls); `rewrite` (what a rule is and answers) and `context` (what it
knows about one function's names); `build`, `names`, `loops` and `purity`
(writing and reading syntax trees); `edits` (splicing text edits into the
function); the loop translator in `vec`, `scope`, `indexing`, `calls`,
`translator`, `nest` and `body`; and `combine` (applying rules alone and
together).
"""
