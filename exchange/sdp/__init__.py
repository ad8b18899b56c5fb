"""Reading SDP exports (Sistem Database Pemasyarakatan, the national register): files in, validated rows out.

Pure Python and streaming: nothing here touches the database, so the same reading serves the preview page,
the Celery task and the `import_sdp` command, and is tested with files built in the tests.
"""
