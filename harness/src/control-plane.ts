/**
 * A real Kubernetes control plane for tests: etcd and kube-apiserver on loopback, with a
 * generated CA, serving and admin client certificates and an admin kubeconfig, the way
 * controller-runtime's envtest builds one. There is no kubelet and no controller-manager:
 * pods never run, namespaces are never finalized, tests assert on the objects themselves.
 *
 * The binaries come from tools/install-k8s.sh, which builds and caches them.
 */
import { execFile } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';

import { cacheDir } from './binaries.js';
import { freePort } from './free-port.js';
import { startProcess, waitUntilReady, type ServerProcess } from './process.js';
import { createScratchDir, removeScratchDir } from './scratch-dir.js';

/** The Kubernetes release tools/install-k8s.sh builds; it names the cache directory. */
export const CONTROL_PLANE_K8S_VERSION = 'v1.34.12';

const SERVICE_CLUSTER_IP_RANGE = '10.0.0.0/24';
const DEFAULT_READY_TIMEOUT_MS = 90_000;
const POLL_INTERVAL_MS = 200;

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /**
   * Directory holding kube-apiserver, etcd, kubectl and helm. Default: `$ROOMCAST_K8S_BIN`,
   * else `<cache>/k8s/<version>/bin` as tools/install-k8s.sh writes it.
   */
  binDir?: string;
  /** How long etcd, then kube-apiserver, may take to become ready. Default 90 000 ms each. */
  readyTimeoutMs?: number;
  /** Extra kube-apiserver flags, appended after Roomcast's own, e.g. feature gates. */
  apiServerArgs?: readonly string[];
  /** Keep the temp directory (certificates, logs, etcd data) after stop. Default false. */
  keepDir?: boolean;
}

/** Absolute paths of the control plane's binaries. */
export interface ControlPlaneBinaries {
  kubeApiserver: string;
  etcd: string;
  kubectl: string;
  helm: string;
}

/** What a command run by {@link ControlPlane.kubectl} or {@link ControlPlane.helm} produced. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Options of a kubectl or helm run. */
export interface CommandOptions {
  /** Written to the command's stdin, e.g. manifests for `kubectl apply -f -`. */
  input?: string;
}

/** A running control plane. */
export interface ControlPlane {
  /** An admin kubeconfig (group system:masters); its context `roomcast-test` is current. */
  kubeconfigPath: string;
  /** The API server's URL, `https://127.0.0.1:<port>`. */
  server: string;
  /** The temp directory with certificates, logs and etcd data; removed by stop(). */
  dir: string;
  binaries: ControlPlaneBinaries;
  /** Runs the built kubectl against this server. Resolves with any exit code. */
  kubectl(args: readonly string[], options?: CommandOptions): Promise<CommandResult>;
  /** Runs the built helm against this server, its state kept in the temp directory. */
  helm(args: readonly string[], options?: CommandOptions): Promise<CommandResult>;
  /** Stops kube-apiserver, then etcd, and removes the temp directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Where the control plane binaries live.
 * @throws Error naming the missing binary and the script that builds it.
 */
export async function controlPlaneBinaries(binDir?: string): Promise<ControlPlaneBinaries> {
  const dir =
    binDir ??
    process.env.ROOMCAST_K8S_BIN ??
    join(cacheDir(), 'k8s', CONTROL_PLANE_K8S_VERSION, 'bin');
  const binaries: ControlPlaneBinaries = {
    kubeApiserver: join(dir, 'kube-apiserver'),
    etcd: join(dir, 'etcd'),
    kubectl: join(dir, 'kubectl'),
    helm: join(dir, 'helm'),
  };

  for (const path of Object.values(binaries)) {
    try {
      await access(path);
    } catch (error) {
      const hint = 'run `bash tools/install-k8s.sh` from the repository root';
      throw new Error(`locating control plane binary ${path}: missing; ${hint}`, { cause: error });
    }
  }
  return binaries;
}

/**
 * Starts etcd and kube-apiserver on free loopback ports and resolves once the API server's
 * /readyz answers ok. RBAC is enforced, so a chart's Roles are exercised for real; the
 * kubeconfig's user is in system:masters and may do anything.
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binaries = await controlPlaneBinaries(options.binDir);
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const dir = await createScratchDir('k8s');
  const servers: ServerProcess[] = [];
  const stop = once(async () => {
    for (const server of [...servers].reverse()) await server.stop();
    if (!options.keepDir) await removeScratchDir(dir);
  });

  try {
    const pki = await writePki(dir);
    const etcd = await startEtcd(binaries.etcd, dir, readyTimeoutMs);
    servers.push(etcd.process);

    const port = await freePort();
    const server = `https://127.0.0.1:${port}`;
    const args = [...apiServerArgs({ dir, pki, etcdUrl: etcd.url, port })];
    const apiServer = startProcess({
      name: 'kube-apiserver',
      command: binaries.kubeApiserver,
      args: [...args, ...(options.apiServerArgs ?? [])],
      logPath: join(dir, 'kube-apiserver.log'),
    });
    servers.push(apiServer);
    await waitForReadyz(apiServer, server, pki, readyTimeoutMs);

    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, await kubeconfig(server, pki), { mode: 0o600 });
    const env = toolEnv(dir, kubeconfigPath);
    return {
      kubeconfigPath,
      server,
      dir,
      binaries,
      kubectl: (cmdArgs, cmdOptions) => runCommand(binaries.kubectl, cmdArgs, env, cmdOptions),
      helm: (cmdArgs, cmdOptions) => runCommand(binaries.helm, cmdArgs, env, cmdOptions),
      stop,
    };
  } catch (error) {
    await stop();
    throw new Error('starting the test control plane (etcd and kube-apiserver)', {
      cause: error,
    });
  }
}

/** Paths of the certificates and keys {@link writePki} creates. */
interface Pki {
  caCert: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountKey: string;
  serviceAccountPublicKey: string;
}

/**
 * Writes a throwaway CA, the API server's serving certificate, an admin client certificate
 * (organization system:masters) and the service account token signing key pair.
 */
async function writePki(dir: string): Promise<Pki> {
  const file = (name: string) => join(dir, name);
  const pki: Pki = {
    caCert: file('ca.crt'),
    servingCert: file('apiserver.crt'),
    servingKey: file('apiserver.key'),
    adminCert: file('admin.crt'),
    adminKey: file('admin.key'),
    serviceAccountKey: file('sa.key'),
    serviceAccountPublicKey: file('sa.pub'),
  };
  const caKey = file('ca.key');
  const newEcKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const signedByCa = ['-x509', '-days', '2', '-CA', pki.caCert, '-CAkey', caKey, ...newEcKey];
  const serviceNames = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc'];
  const altNames = [
    'IP:127.0.0.1',
    'IP:10.0.0.1',
    'DNS:localhost',
    ...serviceNames.map((n) => `DNS:${n}`),
  ];

  await openssl(['req', '-x509', '-days', '2', ...newEcKey, '-keyout', caKey, '-out', pki.caCert])
    .withSubject('/CN=roomcast-test-ca')
    .withExtensions('basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign')
    .run();
  await openssl(['req', ...signedByCa, '-keyout', pki.servingKey, '-out', pki.servingCert])
    .withSubject('/CN=kube-apiserver')
    .withExtensions('extendedKeyUsage=serverAuth', `subjectAltName=${altNames.join(',')}`)
    .run();
  await openssl(['req', ...signedByCa, '-keyout', pki.adminKey, '-out', pki.adminCert])
    .withSubject('/O=system:masters/CN=roomcast-admin')
    .withExtensions('extendedKeyUsage=clientAuth')
    .run();
  await openssl(['genpkey', '-algorithm', 'RSA', '-out', pki.serviceAccountKey]).run();
  await openssl(['pkey', '-pubout', '-in', pki.serviceAccountKey])
    .writingTo(pki.serviceAccountPublicKey)
    .run();
  return pki;
}

/** A small builder so each openssl call above reads as one sentence. */
function openssl(args: string[]) {
  let outPath: string | undefined;
  const builder = {
    withSubject(subject: string) {
      args.push('-subj', subject);
      return builder;
    },
    withExtensions(...extensions: string[]) {
      for (const extension of extensions) args.push('-addext', extension);
      return builder;
    },
    writingTo(path: string) {
      outPath = path;
      return builder;
    },
    async run(): Promise<void> {
      const result = await runCommand('openssl', outPath ? [...args, '-out', outPath] : args);
      if (result.exitCode !== 0) {
        throw new Error(`running openssl ${args.join(' ')}: ${result.stderr.trim()}`);
      }
    },
  };
  return builder;
}

/** Starts a single-member etcd without fsync (test data is thrown away), waits for health. */
async function startEtcd(
  command: string,
  dir: string,
  readyTimeoutMs: number,
): Promise<{ process: ServerProcess; url: string }> {
  const url = `http://127.0.0.1:${await freePort()}`;
  const peerUrl = `http://127.0.0.1:${await freePort()}`;
  const etcd = startProcess({
    name: 'etcd',
    command,
    args: [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ],
    logPath: join(dir, 'etcd.log'),
  });

  const healthy = async () => {
    const response = await fetch(`${url}/health`);
    return response.ok && (await response.text()).includes('"health":"true"');
  };
  try {
    await waitUntilReady(etcd, healthy, {
      timeoutMs: readyTimeoutMs,
      intervalMs: POLL_INTERVAL_MS,
    });
  } catch (error) {
    await etcd.stop();
    throw error;
  }
  return { process: etcd, url };
}

/** The flags envtest also sets, plus RBAC and a real service account issuer. */
function apiServerArgs(config: { dir: string; pki: Pki; etcdUrl: string; port: number }) {
  const { dir, pki, etcdUrl, port } = config;
  return [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${join(dir, 'apiserver-certs')}`,
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
    `--client-ca-file=${pki.caCert}`,
    '--authorization-mode=RBAC',
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    `--service-account-issuer=https://127.0.0.1:${port}`,
    `--service-account-key-file=${pki.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    // No controller-manager ever creates a ServiceAccount here, so the admission plugin that
    // requires one would refuse every pod; envtest disables it for the same reason.
    '--disable-admission-plugins=ServiceAccount',
    '--allow-privileged=true',
    '--profiling=false',
  ];
}

/** Waits until GET /readyz answers "ok", authenticating with the admin certificate. */
async function waitForReadyz(
  apiServer: ServerProcess,
  server: string,
  pki: Pki,
  timeoutMs: number,
): Promise<void> {
  const tls = {
    ca: await readFile(pki.caCert),
    cert: await readFile(pki.adminCert),
    key: await readFile(pki.adminKey),
  };
  const ready = async () => (await httpsGet(`${server}/readyz`, tls)) === 'ok';
  await waitUntilReady(apiServer, ready, { timeoutMs, intervalMs: POLL_INTERVAL_MS });
}

/** GETs `url` over mutual TLS (fetch cannot present a client certificate). */
function httpsGet(url: string, tls: { ca: Buffer; cert: Buffer; key: Buffer }): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...tls, timeout: 2_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(response.statusCode === 200 ? body : ''));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

async function kubeconfig(server: string, pki: Pki): Promise<string> {
  const base64 = async (path: string) => (await readFile(path)).toString('base64');
  const cluster = { server, 'certificate-authority-data': await base64(pki.caCert) };
  const user = {
    'client-certificate-data': await base64(pki.adminCert),
    'client-key-data': await base64(pki.adminKey),
  };
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'roomcast-test', cluster }],
    users: [{ name: 'roomcast-admin', user }],
    contexts: [
      {
        name: 'roomcast-test',
        context: { cluster: 'roomcast-test', user: 'roomcast-admin', namespace: 'default' },
      },
    ],
    'current-context': 'roomcast-test',
  };
  // JSON is YAML, and every kubeconfig reader accepts it.
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Environment for kubectl and helm: this kubeconfig, and Helm's state kept out of $HOME. */
function toolEnv(dir: string, kubeconfigPath: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KUBECONFIG: kubeconfigPath,
    HELM_CACHE_HOME: join(dir, 'helm', 'cache'),
    HELM_CONFIG_HOME: join(dir, 'helm', 'config'),
    HELM_DATA_HOME: join(dir, 'helm', 'data'),
  };
}

/**
 * Runs a command to completion and resolves with its exit code and output, whatever the code.
 * @throws Error when the command could not be run at all (e.g. not found).
 */
function runCommand(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  options: CommandOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve({ exitCode: 0, stdout, stderr });
        if (typeof error.code !== 'number') {
          return reject(new Error(`running ${file} ${args.join(' ')}`, { cause: error }));
        }
        resolve({ exitCode: error.code, stdout, stderr });
      },
    );
    // A command that exits without reading its input closes the pipe first; its exit code and
    // stderr tell what happened, so the write's EPIPE carries nothing more.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}
