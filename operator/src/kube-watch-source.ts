import { Watch } from '@kubernetes/client-node';

import type { KubeClients } from './kube-client.js';
import type { OpenWatch, WatchSource, WatchedObject } from './list-watch.js';

/** Which custom resource to list and watch, cluster-wide or in one namespace. */
export interface CustomResourceRef {
  group: string;
  version: string;
  plural: string;
  /** Empty: all namespaces. */
  namespace: string;
}

const PAGE_SIZE = 500;

/** The real list and watch calls for a custom resource, through the API server. */
export function customResourceSource<T extends WatchedObject>(
  clients: KubeClients,
  ref: CustomResourceRef,
): WatchSource<T> {
  const { group, version, plural, namespace } = ref;
  const path = namespace
    ? `/apis/${group}/${version}/namespaces/${namespace}/${plural}`
    : `/apis/${group}/${version}/${plural}`;
  const watcher = new Watch(clients.config);

  return {
    resource: `${plural}.${group}`,

    async list() {
      const items: T[] = [];
      let resourceVersion = '';
      let next: string | undefined;
      do {
        const page = (await (namespace
          ? clients.custom.listNamespacedCustomObject({
              group,
              version,
              plural,
              namespace,
              limit: PAGE_SIZE,
              _continue: next,
            })
          : clients.custom.listClusterCustomObject({
              group,
              version,
              plural,
              limit: PAGE_SIZE,
              _continue: next,
            }))) as { items: T[]; metadata?: { resourceVersion?: string; _continue?: string } };
        items.push(...page.items);
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        next = page.metadata?._continue || (page.metadata as { continue?: string })?.continue;
      } while (next);
      return { items, resourceVersion };
    },

    async watch({ resourceVersion, timeoutSeconds, onEvent, onDone }): Promise<OpenWatch> {
      const query = { allowWatchBookmarks: true, resourceVersion, timeoutSeconds };
      const controller = await watcher.watch(path, query, onEvent, onDone);
      return { abort: () => controller.abort() };
    },
  };
}
