"""Pricing catalog: dated, sourced price tables and lookups that never return a silent zero."""
