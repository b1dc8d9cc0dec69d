import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';

const root = fileURLToPath(new URL('.', import.meta.url));

const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt)$/;

/**
 * Writes `<file>.br` and `<file>.gz` next to each text file of the build, at the strongest
 * settings (done once here, not at each request): the server sends them to browsers that accept
 * them (core/http/ui-static.ts). A variant that is not smaller than its file is left out.
 */
function precompress(): Plugin {
  return {
    name: 'carillon-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!COMPRESSIBLE.test(fileName)) continue;
        const file = path.join(options.dir!, fileName);
        const raw = fs.readFileSync(file);
        const variants = {
          br: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
          gz: gzipSync(raw, { level: constants.Z_BEST_COMPRESSION }),
        };
        for (const [ext, bytes] of Object.entries(variants)) if (bytes.length < raw.length) fs.writeFileSync(`${file}.${ext}`, bytes);
      }
    },
  };
}

/** The admin UI: built into ui/dist, served by the Carillon server at `/` (core/http/ui-static.ts). */
export default defineConfig({
  root,
  base: '/',
  // No prerendering: the shell needs the session, which only the browser has.
  plugins: [preact({ prerender: { enabled: false } }), precompress()],
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
