"""Readers for ClinicalTrials.gov data. Plain Python: never imports Django."""
