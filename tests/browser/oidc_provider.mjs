// A real OpenID provider for the browser tests: the npm package oidc-provider (pinned in
// package-lock.json) over HTTPS on loopback, with its development sign-in and consent pages.
// Any login signs in as that name: "alice@x" gets sub, preferred_username and a verified e-mail
// "alice@x"; a login without '@' gets no e-mail; "oid:ID" signs in as Entra ID would name a user
// whose UPN has changed: oid ID and a preferred_username no directory knows. One confidential
// client, rapport.
//
//   node oidc_provider.mjs PORT CERT.pem KEY.pem REDIRECT_URI CLIENT_ID CLIENT_SECRET
//
// Prints "ready ISSUER" on stdout once it listens.
import {readFileSync} from 'node:fs';
import https from 'node:https';
import Provider from 'oidc-provider';

const [port, cert, key, redirectUri, clientId, clientSecret] = process.argv.slice(2);
if (!clientSecret) {
  console.error('usage: node oidc_provider.mjs PORT CERT KEY REDIRECT_URI CLIENT_ID CLIENT_SECRET');
  process.exit(2);
}
const issuer = `https://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['preferred_username', 'name', 'oid'],
  },
  // ID tokens carry the claims themselves (rapport reads only the ID token, not userinfo).
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        if (id.startsWith('oid:')) {
          const oid = id.slice(4);
          return {sub: oid, oid, preferred_username: 'renamed.user@upn-changed.example'};
        }
        const claims = {sub: id, preferred_username: id, name: id.split('@')[0]};
        if (id.includes('@')) Object.assign(claims, {email: id, email_verified: true});
        return claims;
      },
    };
  },
  cookies: {keys: ['rapport-browser-tests-only']},
  features: {devInteractions: {enabled: true}},
  pkce: {required: () => true},
});

https.createServer({cert: readFileSync(cert), key: readFileSync(key)}, provider.callback())
    .listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
