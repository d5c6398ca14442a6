"""The notebook adapter: the only modules that import IPython and ipywidgets."""
