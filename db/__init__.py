from db import matching_index  # noqa: F401  (keeps helper_kinds in step on every flush)
