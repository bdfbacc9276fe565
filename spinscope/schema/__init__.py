"""The DDL: one statement a file, applied in file-name order by spinscope.schema.migrate."""
