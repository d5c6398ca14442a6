"""Renderers: a Report in, a string or a figure out. No widgets here.

`facts` says every sentence and cell of a report once; `text` and `html` lay
those out (html also gives the fragments the notebook viewer shows); `diff` is
the one highlighted diff; `theme` the colours and fonts; `plots` the figures.
"""
