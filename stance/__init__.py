"""stance: who said what in news articles, and how they feel about it.

The pipeline, one module per stage:
articles -> quotes -> speakers -> targets -> model -> scoring -> labelstudio -> training.
"""

__version__ = "0.1.0"
