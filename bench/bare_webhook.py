"""The bare endpoint the webhook bench compares with: Flask that only checks LINE's signature.

Started by bench/webhook.py under the same gunicorn command as the Procfile's web process.
"""

from __future__ import annotations

import os

from flask import Flask, abort, request
from linebot.v3.webhook import SignatureValidator


def create_app() -> Flask:
    """POST /callback: 200 for a body signed with LINE_CHANNEL_SECRET, else 400; nothing more."""
    app = Flask(__name__)
    validator = SignatureValidator(os.environ["LINE_CHANNEL_SECRET"])

    @app.post("/callback")
    def callback():
        """Verify and answer."""
        body = request.get_data(as_text=True)
        if not validator.validate(body, request.headers.get("X-Line-Signature", "")):
            abort(400)
        return "OK"

    return app
