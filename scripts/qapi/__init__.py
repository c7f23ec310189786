# The QAPI code generator as a package: parser.py reads the schema language,
# schema.py checks it and builds the model, and one module per backend writes
# C (types, visit, commands, events, introspect) or Markdown (doc).
# scripts/qapi-gen.py is the command line; docs/devel/qapi.md the manual.
