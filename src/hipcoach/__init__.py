"""hipcoach: an offline camera coach for the side-lying hip series.

Not a medical device. See the README for what it measures and how.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
