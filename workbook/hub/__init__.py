"""The practice server on JupyterHub: one folder of settings and state (``layout``), an
operating-system account per person (``accounts``), the user servers (``spawner``) and the
hub's own configuration (``config``). Imported by the command line only (``workbook hub``)."""
