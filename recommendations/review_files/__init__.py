"""Review files: the YAML format that describes one review (see docs/review-format.md).

reading     bytes -> plain data, with the line of every key, refusing unsafe YAML
validation  the JSON Schema and the rules between fields and against the database
loading     applies valid documents all-or-nothing and reports what changed
exporting   writes a review back out in the same format
sections    the extension point through which the actions app loads and exports its part
"""
