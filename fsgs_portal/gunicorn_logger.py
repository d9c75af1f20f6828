"""gunicorn's access log with secrets blanked: the request line (%(r)s), path (%(U)s), query
string (%(q)s), Referer (%(f)s) and the same values as environ atoms go through
fsgs_portal.redaction, the rule the portal's own access log uses. Set by gunicorn.conf.py
(`logger_class`); imports no Django at load time, as gunicorn loads it before the app."""

from gunicorn.glogging import Logger

from fsgs_portal.redaction import redact_path, redact_query, redact_request_line

PATH_ATOMS = ("U", "f", "{referer}i", "{path_info}e", "{raw_uri}e", "{request_uri}e")
QUERY_ATOMS = ("q", "{query_string}e")
LINE_ATOMS = ("r",)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in PATH_ATOMS:
            if atoms.get(key) not in (None, "-"):
                atoms[key] = redact_path(atoms[key])
        for key in QUERY_ATOMS:
            if atoms.get(key):
                atoms[key] = redact_query(atoms[key])
        for key in LINE_ATOMS:
            if atoms.get(key):
                atoms[key] = redact_request_line(atoms[key])
        return atoms
