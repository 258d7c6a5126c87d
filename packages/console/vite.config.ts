import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by `appwarden serve` at `/`; built files go to dist/ and ship in the package.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Hashed file names under /assets/ are cached forever by the server.
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
});
