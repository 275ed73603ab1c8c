"""`geom serve`: a live workspace in the browser for a flat panel file (geom.serve.server,
its HTTP endpoints; geom.serve.workspace, the file, its edits and verdict; geom.serve.textedit,
edits made in the file's text). Loaded only by `geom serve`."""
