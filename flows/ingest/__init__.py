"""Ingestion: every input lands in the landing zone and in the warehouse's `raw` schema."""
