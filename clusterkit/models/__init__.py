"""One module per mechanism of cluster formation (see brief/CHAPTERS.md).

Each model is small, fast (an explorer update well under 50 ms) and deterministic for a
given seed; its docstring gives the formula and its canonical source.
"""
