"""MkDocs hooks (named in mkdocs.yml): the adapter lives in the factsite package."""

from factsite.mkdocs_adapter import (
    on_config,
    on_files,
    on_page_context,
    on_page_markdown,
    on_post_build,
    on_startup,
)

__all__ = ["on_config", "on_files", "on_page_context", "on_page_markdown", "on_post_build", "on_startup"]
