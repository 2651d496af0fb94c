/**
 * The Kubernetes clients the operator uses, built once from one KubeConfig, and the few helpers
 * every caller needs: the HTTP status of a failure, and merge-patch requests.
 */
import {
  ApiException,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';

export interface KubeClients {
  config: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  coordination: CoordinationV1Api;
  custom: CustomObjectsApi;
}

/**
 * Loads the KubeConfig from `kubeconfigPath`, or else the in-cluster service account, or else
 * ~/.kube/config (loadFromDefault's order).
 */
export function kubeClients(kubeconfigPath?: string): KubeClients {
  const config = new KubeConfig();
  if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
  else config.loadFromDefault();

  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    coordination: config.makeApiClient(CoordinationV1Api),
    custom: config.makeApiClient(CustomObjectsApi),
  };
}

/** Request options that send a body as a JSON merge patch (RFC 7386). */
export const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** The HTTP status of a failed Kubernetes call, if it got that far. */
export function httpStatusOf(caught: unknown): number | undefined {
  if (caught instanceof ApiException) return caught.code;
  if (typeof caught === 'object' && caught !== null) {
    const { code, statusCode } = caught as { code?: unknown; statusCode?: unknown };
    if (typeof statusCode === 'number') return statusCode;
    if (typeof code === 'number' && code >= 100 && code < 600) return code;
  }
  return undefined;
}

/** 409: someone wrote the object after we read it; read again and retry. */
export const isConflict = (caught: unknown) => httpStatusOf(caught) === 409;

export const isNotFound = (caught: unknown) => httpStatusOf(caught) === 404;

/** A short description of a Kubernetes failure for logs, events and status messages. */
export function describeKubeError(caught: unknown): string {
  if (caught instanceof ApiException) {
    return `HTTP ${caught.code}: ${statusMessage(caught.body)}`.slice(0, 500);
  }
  return caught instanceof Error ? caught.message : String(caught);
}

/** The message of a Kubernetes Status body, which the client hands over parsed or as text. */
function statusMessage(body: unknown): string {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body;
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : JSON.stringify(parsed ?? '');
}
