"""Run-failure notification, configured in the TOML file:

    [notifications]
    webhook_url = "https://exemple.fr/hook"   # JSON POST {"text", "run_id", "job", "message"}
    email_to = "observatoire@exemple.fr"       # needs smtp_host (and optionally smtp_port, email_from)
    smtp_host = "localhost"
"""

from __future__ import annotations

import json
import smtplib
import sys
import tomllib
import urllib.request
from email.message import EmailMessage

from ingest.config import Settings


def notification_settings(settings: Settings) -> dict:
    with open(settings.config_path, "rb") as fh:
        return tomllib.load(fh).get("notifications", {})


def notify_failure(settings: Settings, run_id: str, job: str, message: str) -> list[str]:
    """Send the failure notice through every configured channel; returns the channels used.
    A channel that fails is reported on stderr and never raises (the run already failed)."""
    conf = notification_settings(settings)
    text = (f"Échec du rafraîchissement « {job} » (exécution {run_id}) : rien n'a été publié, "
            f"l'entrepôt publié précédent reste en ligne.\n{message}")
    used = []
    if conf.get("webhook_url"):
        body = json.dumps({"text": text, "run_id": run_id, "job": job, "message": message}).encode("utf-8")
        req = urllib.request.Request(conf["webhook_url"], data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(req, timeout=10):
                used.append("webhook")
        except OSError as exc:
            print(f"Notification webhook impossible ({conf['webhook_url']}) : {exc}", file=sys.stderr)
    if conf.get("email_to") and conf.get("smtp_host"):
        mail = EmailMessage()
        mail["Subject"] = f"[Observatoire] Échec du rafraîchissement {job}"
        mail["From"] = conf.get("email_from", "observatoire@localhost")
        mail["To"] = conf["email_to"]
        mail.set_content(text)
        try:
            with smtplib.SMTP(conf["smtp_host"], int(conf.get("smtp_port", 25)), timeout=10) as smtp:
                smtp.send_message(mail)
            used.append("email")
        except OSError as exc:
            print(f"Notification e-mail impossible ({conf['smtp_host']}) : {exc}", file=sys.stderr)
    return used
