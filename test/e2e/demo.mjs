// `npm run demo`: the real extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) with examples/
// as the workspace, loaded unpackaged from this checkout, for trying it in a browser without installing
// anything. Listens on 127.0.0.1 only; stays up until Ctrl-C, then removes its throw-away profile.
//   node test/e2e/demo.mjs [--port N]      (default: a free port chosen by the OS)
// From another machine: ssh -L N:127.0.0.1:N <this host>, then open the printed URL locally.
import path from 'node:path';
import { assertHarnessInstalled, makeSandbox, REPO_ROOT, startServer, workbenchUrl } from './lib/server.mjs';

const argv = process.argv.slice(2);
const port = argv.includes('--port') ? Number(argv[argv.indexOf('--port') + 1]) : 0;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`demo: --port must be a TCP port number, got ${argv[argv.indexOf('--port') + 1]}`);
  process.exit(2);
}
try {
  assertHarnessInstalled();
} catch (e) {
  console.error(`demo: ${e.message}`);
  process.exit(2);
}

const workspace = path.join(REPO_ROOT, 'examples');
const sandbox = makeSandbox();
let server;
try {
  server = await startServer(sandbox, { workspace, port });
} catch (e) {
  console.error(`demo: code-server did not start: ${e.message.split('\n')[0]}`);
  process.exit(1);
}
const url = workbenchUrl(server, workspace, [['extensionDevelopmentPath', server.remote(sandbox.devExtension)]]);
console.log(`
hmm-trace demo: VS Code 1.100 with the extension from ${REPO_ROOT}
workspace: ${workspace}

  Open in a browser on this machine:
  ${url}

  Then click double_migrate.trace in the Explorer and run "HMM Trace: Open Analysis" (F1).
  The extension is loaded from dist/: after \`npm run build\` (or \`npm run watch\`), reload the page.

Ctrl-C to stop.`);
// keep running until interrupted; server.mjs kills code-server on exit
await new Promise(() => {});
