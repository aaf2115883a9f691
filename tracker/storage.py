from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files.

    GOV.UK Frontend ships ES modules; rewriting their imports to hashed names needs this flag.
    """

    support_js_module_import_aggregation = True
