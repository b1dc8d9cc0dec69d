import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The admin UI: built into ui/dist, served by the Carillon server at `/` (core/http/ui-static.ts). */
export default defineConfig({
  root,
  base: '/',
  // No prerendering: the shell needs the session, which only the browser has.
  plugins: [preact({ prerender: { enabled: false } })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    // `npx vite ui` during development: the API and sockets come from a running Carillon.
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/ui/plugins': 'http://127.0.0.1:8080',
      '/setup': 'http://127.0.0.1:8080',
      '/socket.io': { target: 'http://127.0.0.1:8080', ws: true },
    },
  },
});
