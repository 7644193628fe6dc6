import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves the build at /console/; assets get content hashes and are cached for a year.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    target: 'es2022',
    sourcemap: false,
    // Read by scripts/measure-bundle.mjs to follow each screen's imports.
    manifest: true,
  },
  server: {
    proxy: { '/v1': process.env.HOOKBRIDGE_URL ?? 'http://127.0.0.1:8080' },
  },
});
