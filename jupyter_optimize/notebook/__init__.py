"""The only modules that import IPython (and, later, ipywidgets)."""
