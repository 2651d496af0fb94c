/**
 * What the local stack reports while it starts, runs and stops. The launcher never prints:
 * `roomcast up` turns these into progress lines and tests observe them.
 */
import type { ServiceName } from './service-catalog.js';

/** The servers the stack runs from the harness, in start order. */
export type ServerName = 'postgres' | 'nats' | 'redis' | 'envoy';

/** One state change of the stack, its parts, or the server install step. */
export type StackEvent =
  | { kind: 'install-started'; missing: readonly string[] }
  | { kind: 'install-output'; line: string }
  | { kind: 'install-finished' }
  | { kind: 'server-starting'; name: ServerName }
  | { kind: 'server-started'; name: ServerName; url: string }
  | { kind: 'server-stopped'; name: ServerName }
  | { kind: 'service-starting'; name: ServiceName; pid: number; logPath: string }
  | { kind: 'service-healthy'; name: ServiceName; port: number; pid: number; elapsedMs: number }
  | { kind: 'service-stopping'; name: ServiceName }
  | { kind: 'service-stopped'; name: ServiceName; code: number | null; signal: string | null }
  /** A service exited although nobody asked it to: a crash while the stack was up. */
  | { kind: 'service-crashed'; name: ServiceName; code: number | null; signal: string | null }
  | { kind: 'stack-ready'; restUrl: string; elapsedMs: number }
  | { kind: 'stack-stopping' }
  | { kind: 'stack-stopped' };

/** Receives the stack's events; it must not throw (an error thrown here is swallowed). */
export type StackEventListener = (event: StackEvent) => void;

/** Wraps a listener so a faulty one cannot break the launcher. */
export function safeListener(listener: StackEventListener | undefined): StackEventListener {
  if (!listener) return () => undefined;
  return (event) => {
    try {
      listener(event);
    } catch {
      // A progress printer failing must not stop or half-start the stack.
    }
  };
}
