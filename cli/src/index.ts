/**
 * @roomcast/cli: the admin CLI and the local stack launcher that `roomcast up` and the
 * end-to-end tests share.
 */
export { startStack, type Stack, type StackOptions } from './stack/start-stack.js';
export type { ServerName, StackEvent, StackEventListener } from './stack/stack-events.js';
export { SERVICE_NAMES, type ServiceName, type ServicePorts } from './stack/service-catalog.js';
export {
  PORT_BLOCK_SIZE,
  portBlock,
  STANDARD_PORTS,
  type PortChoice,
  type StackPorts,
} from './stack/port-plan.js';
export { ServiceStartError } from './stack/managed-service.js';
export { ServerInstallError } from './stack/server-install.js';
export { REPO_ROOT, STATE_DIR } from './stack/stack-dirs.js';
