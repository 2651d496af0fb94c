import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Suites start real servers; running files one at a time keeps 2 cores from thrashing.
    fileParallelism: false,
    reporters: ['default'],
    // Services log JSON; tests show only warnings and errors.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  },
});
