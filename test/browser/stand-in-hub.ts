/**
 * A stand-in Hugging Face Hub for browser tests: `https://huggingface.co/gradscope-test/<fixture>/resolve/main/<file>`
 * is answered from `test/fixtures/models/<fixture>/<file>`, and every request's path is recorded
 * (so a test can tell a download from a read of Cache Storage).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/models');

/** Routes the page's Hub requests to the fixtures; pushes each request's path onto `requests`. */
export async function standInHub(page: Page, requests: string[]): Promise<void> {
  await page.context().route('https://huggingface.co/**', (route) => {
    const path = new URL(route.request().url()).pathname;
    requests.push(path);
    const m = /^\/gradscope-test\/([^/]+)\/resolve\/main\/(.+)$/.exec(path);
    const file = m ? join(FIXTURES, m[1] ?? '', m[2] ?? '') : '';
    if (!file || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, body: readFileSync(file), headers: { 'content-type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream', 'access-control-allow-origin': '*' } });
  });
}
