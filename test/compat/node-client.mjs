// A user's script: acquire one token with an unmodified Microsoft client library and print the
// outcome as one JSON line. Started by node-client-process.ts with NODE_EXTRA_CA_CERTS set.
const job = JSON.parse(process.env.APPWARDEN_CLIENT_JOB);

async function msalNode() {
  const { ConfidentialClientApplication } = await import('@azure/msal-node');
  const auth = {
    clientId: job.clientId,
    authority: `${job.url}/${job.tenant}`,
    knownAuthorities: [new URL(job.url).host],
  };
  if (job.credential === 'secret') auth.clientSecret = job.clientSecret;
  else auth.clientCertificate = { thumbprintSha256: job.thumbprintSha256, privateKey: job.privateKeyPem };
  const cca = new ConfidentialClientApplication({ auth });
  const r = await cca.acquireTokenByClientCredential({ scopes: job.scopes });
  return { accessToken: r.accessToken, expiresOn: r.expiresOn?.getTime() };
}

async function azureIdentity() {
  const { ClientSecretCredential, ClientCertificateCredential } = await import('@azure/identity');
  const options = { authorityHost: job.url, disableInstanceDiscovery: true };
  const credential =
    job.credential === 'secret'
      ? new ClientSecretCredential(job.tenant, job.clientId, job.clientSecret, options)
      : new ClientCertificateCredential(job.tenant, job.clientId, { certificate: job.certificatePem }, options);
  const t = await credential.getToken(job.scopes);
  return { accessToken: t.token, expiresOn: t.expiresOnTimestamp };
}

try {
  const result = job.library === 'msal-node' ? await msalNode() : await azureIdentity();
  console.log(JSON.stringify({ ok: true, ...result }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, name: e?.name ?? 'Error', code: e?.errorCode ?? e?.code, message: String(e?.message ?? e) }));
}
