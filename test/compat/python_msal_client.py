"""A user's Python MSAL script: acquire one app-only token and print the outcome as one JSON line.

Started by python-msal.test.ts with REQUESTS_CA_BUNDLE pointing at Appwarden's CA. The job comes
from the APPWARDEN_CLIENT_JOB environment variable (JSON).
"""
import json
import os

import msal

job = json.loads(os.environ["APPWARDEN_CLIENT_JOB"])
if job["credential"] == "secret":
    credential = job["clientSecret"]
else:
    credential = {"private_key": job["privateKeyPem"], "thumbprint": job["thumbprintSha1"]}

app = msal.ConfidentialClientApplication(
    job["clientId"],
    authority="{}/{}".format(job["url"], job["tenant"]),
    client_credential=credential,
    instance_discovery=False,
)
result = app.acquire_token_for_client(scopes=job["scopes"])
print(json.dumps(result))
