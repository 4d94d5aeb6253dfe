"""Checks for notebook 01's exercises."""
__all__ = []
