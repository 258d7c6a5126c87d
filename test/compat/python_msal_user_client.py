"""A user's Python MSAL script for user context: sign a user in with a PublicClientApplication, then
refresh silently and reuse the refresh token for Microsoft Graph.

Started by python-msal-user.test.ts with REQUESTS_CA_BUNDLE pointing at Appwarden's CA. The job comes
from the APPWARDEN_CLIENT_JOB environment variable (JSON). Each step prints one JSON line; the auth
code flow reads the redirect's query parameters (a JSON object) from stdin, as a script would after
its local web server received them.
"""
import json
import os
import sys

import msal
import requests
from urllib.parse import urlparse


def say(step, **fields):
    print(json.dumps(dict(step=step, **fields)), flush=True)


class RealmProbeOnServerPort(requests.Session):
    """MSAL Python 1.21 probes https://<host>/common/userrealm/... without the authority's port
    (authority.py builds it from the host name alone), so against a server on another port than
    443 the probe is refused before the ROPC POST. This http_client (a documented MSAL option)
    sends that one probe to the authority's port; every other request goes out unchanged."""

    def __init__(self, origin):
        super().__init__()
        self.origin = urlparse(origin)

    def get(self, url, **kwargs):
        u = urlparse(url)
        if u.hostname == self.origin.hostname and u.port is None and u.path.startswith("/common/userrealm/"):
            url = u._replace(netloc=self.origin.netloc).geturl()
        return super().get(url, **kwargs)


job = json.loads(os.environ["APPWARDEN_CLIENT_JOB"])
app = msal.PublicClientApplication(
    job["clientId"],
    authority="{}/{}".format(job["url"], job["tenant"]),
    instance_discovery=False,
    **({"http_client": RealmProbeOnServerPort(job["url"])} if job["flow"] == "password" else {}),
)
scopes = job["scopes"]

if job["flow"] == "device":
    flow = app.initiate_device_flow(scopes=scopes)
    say("device", flow=flow)
    if "user_code" not in flow:
        sys.exit(0)
    result = app.acquire_token_by_device_flow(flow)
elif job["flow"] == "password":
    result = app.acquire_token_by_username_password(job["username"], job["password"], scopes=scopes)
else:
    flow = app.initiate_auth_code_flow(scopes, redirect_uri=job["redirectUri"], login_hint=job.get("loginHint"))
    say("authorize", auth_uri=flow["auth_uri"])
    response = json.loads(sys.stdin.readline())
    result = app.acquire_token_by_auth_code_flow(flow, response)

say("token", result=result)
if "access_token" not in result:
    sys.exit(0)

accounts = app.get_accounts()
say("accounts", accounts=accounts)
account = accounts[0]
cached = app.acquire_token_silent(scopes, account=account)
refreshed = app.acquire_token_silent(scopes, account=account, force_refresh=True)
graph = app.acquire_token_silent(["User.Read"], account=account)
say("silent", cached=cached, refreshed=refreshed, graph=graph)
