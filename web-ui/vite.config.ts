/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// Maven (web-ui/pom.xml) runs `npm ci`, `npm run build` and, in the test phase, `npm test`; the output lands in
// the module's classes directory under public/, so the module jar carries public/index.html + public/assets/*
// and the control plane serves it from classpath:public at /.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'target/classes/public',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
  },
  server: {
    // `npm run dev` against a stack started by `./kiln up`.
    proxy: {
      '/api': 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
