# Errors of the QAPI generator: every message names the schema file and line
# ("qapi/run-state.json:12: ...") so that a schema author finds the spot.


class Location:
    def __init__(self, fname, line):
        self.fname = fname
        self.line = line

    def __str__(self):
        return '%s:%d' % (self.fname, self.line)


class QAPIError(Exception):
    def __init__(self, loc, msg):
        super().__init__(msg)
        self.loc = loc
        self.msg = msg

    def __str__(self):
        if self.loc is None:
            return self.msg
        return '%s: %s' % (self.loc, self.msg)
