"""What a person or a file asks for, validated at the edge (pydantic): the report edits
and the pipeline that applies them (``edits``), the command line's values
(``validation``), administration and import rows (``admin``), reading import files."""
