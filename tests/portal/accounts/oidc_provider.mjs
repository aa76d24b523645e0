// A real OpenID Connect provider for the national sign-in tests: oauth2-mock-server from npm (package.json).
// The claims of the person "signing in" are read from the JSON file named on the command line at every token
// and userinfo request, so a test changes who signs in by rewriting that file. Prints the issuer URL once
// it listens.
import { readFileSync } from "node:fs";
import { OAuth2Server } from "oauth2-mock-server";

const claimsFile = process.argv[2];
const claims = () => JSON.parse(readFileSync(claimsFile, "utf8"));
const server = new OAuth2Server();
await server.issuer.keys.generate("RS256");
server.service.on("beforeTokenSigning", (token) => {
  Object.assign(token.payload, claims());
});
server.service.on("beforeUserinfo", (userInfoResponse) => {
  userInfoResponse.body = claims();
});
await server.start(0, "127.0.0.1");
console.log(server.issuer.url);
