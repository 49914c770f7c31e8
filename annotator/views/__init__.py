"""HTML views of the workbench, one module per screen: article list, article page, span writes."""
