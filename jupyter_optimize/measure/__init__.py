"""How fast and how big: timing samples, their statistics, peak memory, and scaling with input size."""
