"""`geom serve`: a live workspace in the browser for a panel file, flat or bent
(geom.serve.server, its HTTP endpoints; geom.serve.workspace, the file, its edits and
verdict; geom.serve.textedit, edits made in the file's text; geom.serve.surface, the
view's frame and each face's map into it). Loaded only by `geom serve`."""
