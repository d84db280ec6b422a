"""Chinese analysis, indexing, backends (database, Elasticsearch) and the public search views (DESIGN §4)."""
