"""The rule families, one module each; a family depends only on the engine, never on another family."""
