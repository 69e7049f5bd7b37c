// Runs the GraphQL-over-HTTP audit of graphql-http against the server at the URL given, and
// prints one line of JSON per check: its id, its level (MUST, SHOULD, MAY), its status and
// why. It exits with 1 when a MUST or a SHOULD check does not pass.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const results = await auditServer({ url });
let failed = false;
for (const r of results) {
  const level = r.name.split(' ')[0];
  if (r.status !== 'ok' && (level === 'MUST' || level === 'SHOULD')) failed = true;
  const reason = r.status === 'ok' ? undefined : r.reason;
  console.log(JSON.stringify({ id: r.id, name: r.name, status: r.status, reason }));
}
process.exit(failed ? 1 : 0);
