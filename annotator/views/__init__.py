"""HTML views, one module per screen: article list, article page, span writes, compare, provenance, sources,
transfer, boilerplate suggestions."""
