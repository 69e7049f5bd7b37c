// Follows Maarid's programme feed with the graphql-transport-ws protocol's own client and
// prints each change as a line of JSON, until it has printed `count` of them.
//
//   node follow.mjs ws://127.0.0.1:8080/graphql <since> <count> <subscription document>
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, since, count, query] = process.argv.slice(2);
const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
let seen = 0;
try {
  for await (const result of client.iterate({ query, variables: { since } })) {
    if (result.errors) {
      console.log(JSON.stringify({ errors: result.errors }));
      process.exitCode = 1;
      break;
    }
    console.log(JSON.stringify(result.data.programmeChanged));
    if (++seen >= Number(count)) break;
  }
} catch (err) {
  console.log(JSON.stringify({ errors: [{ message: String(err && (err.reason || err.message || err)) }] }));
  process.exitCode = 1;
} finally {
  await client.dispose();
}
