"""The version of genai-cost (read by the build backend and reported in every document)."""

__version__ = "0.1.0"
