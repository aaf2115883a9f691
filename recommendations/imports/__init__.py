"""Loading reviews in the browser: uploaded review files and action-plan spreadsheets,
checked, previewed, then confirmed."""
