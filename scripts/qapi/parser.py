# Reader of QEMU's schema language: one file (and the files it includes)
# to a list of expressions, each with its location and doc comment.
#
# The syntax is JSON with single-quoted strings and '#' comments; a '##'
# line opens a doc comment block that documents the next expression.

import os
import re

from .error import QAPIError, Location


class DocComment:
    """A '##' block: the symbol it documents, a free-text body, one
    description per argument/member and tagged sections (Returns:, Since:)."""

    def __init__(self, loc):
        self.loc = loc
        self.symbol = None
        self.body = []
        self.args = {}          # name -> list of lines, in order
        self.sections = []      # (tag, [lines])

    def text(self):
        return '\n'.join(self.body).strip()


_SECTION_TAGS = ('Returns', 'Since', 'Errors', 'Example', 'Examples', 'Note',
                 'Notes', 'TODO', 'Features')


def _parse_doc(loc, lines):
    """Split the lines of a '##' block: '@symbol:' first, then body text,
    '@member: description' paragraphs (continuation lines indented) and
    'Tag: text' sections (Returns:, Since:, Example: ...)."""
    doc = DocComment(loc)
    current = doc.body
    in_arg = False
    prev_blank = False
    for i, line in enumerate(lines):
        if line.startswith('# '):
            text = line[2:]
        elif line == '#':
            text = ''
        else:
            raise QAPIError(Location(loc.fname, loc.line + i + 1),
                            "missing space after # in doc comment")
        if i == 0 and text.startswith('@'):
            m = re.match(r'@([^:]+):\s*$', text)
            if not m:
                raise QAPIError(loc, "doc comment first line must be '@NAME:'")
            doc.symbol = m.group(1)
            continue
        m = re.match(r'@([A-Za-z0-9_*.-]+):\s?(.*)$', text)
        if m and not doc.sections:
            doc.args[m.group(1)] = [m.group(2)] if m.group(2) else []
            current = doc.args[m.group(1)]
            in_arg = True
            prev_blank = False
            continue
        m = re.match(r'([A-Z][a-z]+):\s?(.*)$', text)
        if m and m.group(1) in _SECTION_TAGS:
            lst = [m.group(2)] if m.group(2) else []
            doc.sections.append((m.group(1), lst))
            current = lst
            in_arg = False
            prev_blank = False
            continue
        if not text:
            current.append('')
            prev_blank = True
            continue
        if in_arg and prev_blank and not text.startswith(' '):
            # an unindented paragraph after the members: body text again
            current = doc.body
            in_arg = False
        current.append(text[4:] if in_arg and text.startswith('    ') else text)
        prev_blank = False
    for key in doc.args:
        while doc.args[key] and doc.args[key][-1] == '':
            doc.args[key].pop()
    return doc


class Parser:
    """Reads FNAME; includes are read once each, relative to the including
    file. self.exprs: list of dicts {'expr', 'info', 'doc', 'module'}."""

    def __init__(self, fname, included=None, parent_loc=None):
        self.fname = fname
        self.included = included if included is not None else set()
        self.included.add(os.path.abspath(fname))
        self.exprs = []
        self.includes = []      # module names this file includes, in order
        try:
            with open(fname, encoding='utf-8') as f:
                self.src = f.read()
        except OSError as e:
            raise QAPIError(parent_loc, "can't read %s file '%s': %s"
                            % ('include' if parent_loc else 'schema', fname,
                               e.strerror))
        self.pos = 0
        self.line = 1
        self.line_pos = 0
        self.pending_doc = None
        self._run()

    # --- lexer ---------------------------------------------------------

    def loc(self):
        return Location(self.fname, self.line)

    def error(self, msg):
        raise QAPIError(self.loc(), msg)

    def _next(self):
        """Set self.tok to the next token: one of '{}[]:,' , 's' (string,
        self.val), 't'/'f' (true/false) or None at the end."""
        src = self.src
        while True:
            if self.pos >= len(src):
                self.tok = None
                return
            c = src[self.pos]
            if c == '#':
                end = src.find('\n', self.pos)
                if end < 0:
                    end = len(src)
                if src.startswith('##', self.pos) and \
                        src[self.pos:end].strip() == '##' and \
                        self.pos == self.line_pos:
                    self._read_doc()
                    continue
                self.pos = end
                continue
            if c == '\n':
                self.pos += 1
                self.line += 1
                self.line_pos = self.pos
                continue
            if c in ' \t\r':
                self.pos += 1
                continue
            self.tok_loc = self.loc()
            if c in '{}[]:,':
                self.tok = c
                self.pos += 1
                return
            if c == "'":
                self._read_string()
                return
            for word, tok in (('true', 't'), ('false', 'f')):
                if src.startswith(word, self.pos):
                    self.tok = tok
                    self.pos += len(word)
                    return
            self.error("stray '%s'" % c)

    def _read_string(self):
        src = self.src
        self.pos += 1
        out = []
        while True:
            if self.pos >= len(src) or src[self.pos] == '\n':
                self.error("missing terminating \"'\"")
            c = src[self.pos]
            self.pos += 1
            if c == "'":
                break
            if c == '\\':
                if self.pos >= len(src):
                    self.error("missing terminating \"'\"")
                c = src[self.pos]
                self.pos += 1
                if c not in "\\/'\"":
                    self.error("unknown escape \\%s" % c)
            elif not (32 <= ord(c) < 127):
                self.error("funny character in string")
            out.append(c)
        self.tok = 's'
        self.val = ''.join(out)

    def _read_doc(self):
        start = Location(self.fname, self.line)
        lines = []
        src = self.src
        # skip the opening '##' line
        end = src.find('\n', self.pos)
        while True:
            if end < 0:
                raise QAPIError(start, "documentation comment must end with '##'")
            self.pos = end + 1
            self.line += 1
            self.line_pos = self.pos
            end = src.find('\n', self.pos)
            text = src[self.pos:end if end >= 0 else len(src)].rstrip()
            if text.strip() == '##':
                self.pos = end if end >= 0 else len(src)
                break
            if not text.lstrip().startswith('#'):
                raise QAPIError(self.loc(), "documentation comment must end with '##'")
            lines.append(text.strip())
        if self.pending_doc is not None and self.pending_doc.symbol:
            raise QAPIError(self.pending_doc.loc,
                            "documentation for '%s' is not followed by its definition"
                            % self.pending_doc.symbol)
        doc = _parse_doc(start, lines)
        # A free-form block (no '@symbol:') is a section heading: kept apart.
        self.pending_doc = doc if doc.symbol else None

    # --- grammar -------------------------------------------------------

    def _value(self):
        tok = self.tok
        if tok == '{':
            return self._object()
        if tok == '[':
            return self._array()
        if tok == 's':
            val = self.val
            self._next()
            return val
        if tok in ('t', 'f'):
            self._next()
            return tok == 't'
        if tok is None:
            self.error("expected value, got end of file")
        self.error("expected value, got '%s'" % tok)

    def _object(self):
        obj = {}
        self._next()
        if self.tok == '}':
            self._next()
            return obj
        while True:
            if self.tok != 's':
                self.error("expected string or '}'" if not obj else "expected string")
            key = self.val
            if key in obj:
                self.error("duplicate key '%s'" % key)
            self._next()
            if self.tok != ':':
                self.error("expected ':'")
            self._next()
            obj[key] = self._value()
            if self.tok == '}':
                self._next()
                return obj
            if self.tok != ',':
                self.error("expected ',' or '}'")
            self._next()

    def _array(self):
        arr = []
        self._next()
        if self.tok == ']':
            self._next()
            return arr
        while True:
            arr.append(self._value())
            if self.tok == ']':
                self._next()
                return arr
            if self.tok != ',':
                self.error("expected ',' or ']'")
            self._next()

    def _run(self):
        self._next()
        while self.tok is not None:
            if self.tok != '{':
                self.error("expected '{'")
            loc = self.tok_loc
            doc = self.pending_doc
            self.pending_doc = None
            expr = self._object()
            if 'include' in expr:
                if len(expr) != 1 or not isinstance(expr['include'], str):
                    raise QAPIError(loc, "invalid 'include' directive")
                path = os.path.join(os.path.dirname(self.fname), expr['include'])
                self.includes.append(module_name(path))
                if os.path.abspath(path) in self.included:
                    continue
                sub = Parser(path, self.included, loc)
                self.exprs.extend(sub.exprs)
                continue
            if 'pragma' in expr:
                if len(expr) != 1 or not isinstance(expr['pragma'], dict):
                    raise QAPIError(loc, "invalid 'pragma' directive")
                continue
            if doc is not None and doc.symbol is None:
                doc = None
            self.exprs.append({'expr': expr, 'info': loc, 'doc': doc,
                               'module': module_name(self.fname),
                               'includes': self.includes})
        if self.pending_doc is not None:
            raise QAPIError(self.pending_doc.loc,
                            "documentation for '%s' is not followed by its definition"
                            % self.pending_doc.symbol)


def module_name(path):
    return os.path.splitext(os.path.basename(path))[0]
