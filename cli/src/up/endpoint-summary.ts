/**
 * What `roomcast up` prints once the stack is ready: where to send requests, where logs and
 * data are, and commands to paste.
 */
import { relative } from 'node:path';
import type { Stack } from '../stack/start-stack.js';

/** The lines printed once the stack is up. */
export function endpointSummary(stack: Stack): string[] {
  const rest = stack.restUrl;
  return [
    '',
    'Roomcast is up.',
    `  REST       ${rest}/v1/...`,
    `  WebSocket  ${stack.wsUrl}`,
    `  Envoy      admin ${stack.envoyAdminUrl}`,
    `  services   ${stack.services.join(', ')}`,
    `  logs       ${shortPath(stack.logDir)}/<server or service>.log`,
    `  data       ${shortPath(stack.dataDir)}${stack.persistent ? '' : ' (temporary)'}`,
    `  webhook secret (Adapter) in ${shortPath(stack.webhookSecretPath)}`,
    '',
    'Try (each call prints the id the next one needs):',
    `  curl -s -X POST ${rest}/v1/users -H 'content-type: application/json' \\`,
    `    -d '{"handle":"ada","displayName":"Ada","role":"USER_ROLE_BROADCASTER"}'`,
    `  curl -s -X POST ${rest}/v1/rooms -H 'content-type: application/json' \\`,
    `    -d '{"slug":"lobby","title":"Lobby","owner":"ada"}'`,
    `  curl -s -X POST ${rest}/v1/sessions -H 'content-type: application/json' \\`,
    `    -d '{"roomId":"ROOM_ID","title":"First show"}'`,
    `  curl -s -X POST ${rest}/v1/sessions/SESSION_ID/messages \\`,
    `    -H 'content-type: application/json' -d '{"userId":"USER_ID","text":"hello 👋"}'`,
    `  curl -s ${rest}/v1/events/sessions/SESSION_ID`,
    `  curl -s ${rest}/v1/realtime/healthz`,
    '',
  ];
}

/** The lines printed for `--demo` once its session is live. */
export function demoSummary(stack: Stack, demo: { sessionId: string; reused: string[] }): string[] {
  const socket = stack.sessionSocketUrl(demo.sessionId);
  const watch =
    `node -e "const W=require('ws');` +
    `new W('${socket}').on('message',m=>console.log(String(m)))"`;
  return [
    `Demo: session ${demo.sessionId} is live` +
      (demo.reused.length > 0 ? ` (found from an earlier run: ${demo.reused.join(', ')})` : ''),
    '  a chat message is posted every second. Watch it (run from the repository root):',
    `    ${watch}`,
    `  or over REST: curl -sN ${stack.restUrl}/v1/realtime/sessions/${demo.sessionId}/events`,
    `  history:      curl -s ${stack.restUrl}/v1/events/sessions/${demo.sessionId}`,
    `  analytics:    curl -s ${stack.restUrl}/v1/aggregation/sessions/${demo.sessionId}`,
    '',
  ];
}

function shortPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere !== '' && !fromHere.startsWith('..') ? fromHere : path;
}
