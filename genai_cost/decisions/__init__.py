"""Decisions on top of an estimate: break-even volumes, capacity mixes, ROI, uncertainty."""
