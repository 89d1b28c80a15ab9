"""Build an evidence-cited health site from YAML fact files.

One direction: load -> validate -> render -> MkDocs build -> post-build checks.
"""
