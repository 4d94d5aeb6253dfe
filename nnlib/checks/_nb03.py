"""Checks for notebook 03's exercises."""
__all__ = []
