"""Reading articles into SourceDocuments; the readers live in app/readers/, one
module per format. This module keeps the pipeline's entry point at `app.read`."""
from __future__ import annotations

from .readers import (DEFAULT_MAX_SIZE, STDIN, Input, ReadError, detect_format, iter_files, plan_inputs, read_input,
                      read_paths, title_and_body)

__all__ = ["DEFAULT_MAX_SIZE", "STDIN", "Input", "ReadError", "detect_format", "iter_files", "plan_inputs", "read_input",
           "read_paths", "title_and_body"]
