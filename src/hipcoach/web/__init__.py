"""The local web app (``hipcoach serve``): pages over the library, on 127.0.0.1 only.

- :mod:`~hipcoach.web.config`: :class:`~hipcoach.web.config.WebConfig`, the app's settings.
- :mod:`~hipcoach.web.security`: token, Host allow-list, CSRF, WebSocket Origin, CSP.
- :mod:`~hipcoach.web.app`: :func:`~hipcoach.web.app.create_app`, the FastAPI factory.
- :mod:`~hipcoach.web.server`: :func:`~hipcoach.web.server.serve` (uvicorn, the printed link).

The web layer only presents what library calls return; no analysis happens here. It imports
FastAPI, so nothing outside this package imports it at start-up.
"""
