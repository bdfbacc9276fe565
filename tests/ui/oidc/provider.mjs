// A real OpenID Connect provider for the browser tests: panva's `oidc-provider` (npm), certified
// OpenID, with its development login and consent pages. Nothing here is hand-written protocol:
// this file only configures it. Usage:
//   node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
// Accounts: any login name works (development interactions); the `groups` claim comes from GROUPS.
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const GROUPS = { olga: ['sre'], victor: ['support'], mallory: ['marketing'] };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  conformIdTokenClaims: false, // the ID token carries the profile claims (the role's `groups`)
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({
      sub: id,
      name: id,
      email: `${id}@example.test`,
      email_verified: true,
      groups: GROUPS[id] ?? [],
    }),
  }),
  pkce: { required: () => false },
  cookies: { keys: ['test-only-cookie-signing-key'] },
  features: { devInteractions: { enabled: true } },
});
provider.listen(Number(port), '127.0.0.1', () => console.log('READY', provider.issuer));
