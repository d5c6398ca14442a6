"""Renderers: a Report in, a string out. No widgets here."""
