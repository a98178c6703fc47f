"""OCDS 1.1 releases, records, change feed and bulk downloads (开放数据)."""
