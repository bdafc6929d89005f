"""Publication: the yearly report rendered from the marts, moved into place atomically."""
