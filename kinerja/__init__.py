"""Kinerja: collect, check and report the performance data of an Indonesian regency agency."""
