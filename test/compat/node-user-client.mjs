// A user's script with @azure/identity, unmodified: sign a user in with DeviceCodeCredential or
// UsernamePasswordCredential, then ask again (from the cache) and for Microsoft Graph (refresh
// token). Started by azure-identity-user.test.ts with NODE_EXTRA_CA_CERTS set; each step is one
// JSON line on stdout.
const job = JSON.parse(process.env.APPWARDEN_CLIENT_JOB);
const say = (step, fields = {}) => console.log(JSON.stringify({ step, ...fields }));
const { DeviceCodeCredential, UsernamePasswordCredential } = await import('@azure/identity');

const options = { authorityHost: job.url, disableInstanceDiscovery: true };
let prompts = 0;
const credential =
  job.flow === 'device'
    ? new DeviceCodeCredential({
        ...options,
        tenantId: job.tenant,
        clientId: job.clientId,
        userPromptCallback: (info) => {
          prompts++;
          say('device', { userCode: info.userCode, verificationUri: info.verificationUri, message: info.message });
        },
      })
    : new UsernamePasswordCredential(job.tenant, job.clientId, job.username, job.password, options);

const token = async (scopes) => {
  try {
    const t = await credential.getToken(scopes);
    return { ok: true, token: t.token, expiresOnTimestamp: t.expiresOnTimestamp };
  } catch (e) {
    return { ok: false, name: e?.name, message: String(e?.message ?? e) };
  }
};

const first = await token(job.scopes);
say('token', first);
if (first.ok) {
  const again = await token(job.scopes);
  const graph = await token(['https://graph.microsoft.com/User.Read']);
  say('silent', { again, graph, prompts });
}
