"""Reading the files organisations keep: CSV (any common encoding and delimiter), XLSX, JSON Lines."""
