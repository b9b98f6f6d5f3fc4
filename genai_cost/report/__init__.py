"""Reports: every document kind as a report of typed blocks (blocks.py) built by its module
(estimate, decisions, changes, allocation, pricing) and drawn in every format (formats.py,
json_report.py, csv_report.py, html.py, parquet.py); registry.py says which is which."""
