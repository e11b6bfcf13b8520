"""The observatory's questionnaire: schema, XLSX template, importer and validation (source ``surveys``)."""
