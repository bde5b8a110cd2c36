// The committed openapi.json must be what the code generates (run `npm run openapi` after
// changing a controller or DTO), and what the running server serves at /api/docs-json.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateOpenApi, OPENAPI_FILE } from '../scripts/openapi';
import { createTestApp, TestApp } from './support/app';

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('the committed openapi.json is up to date with the controllers and DTOs', async () => {
    const generated = await generateOpenApi();
    expect(JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8'))).toEqual(JSON.parse(generated));
  });

  it("the web client's types (web/src/api/schema.d.ts) are generated from the committed document", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-openapi-')), 'schema.d.ts');
    const bin = path.resolve(__dirname, '../node_modules/.bin/openapi-typescript');
    execFileSync(bin, [OPENAPI_FILE, '-o', out], { stdio: 'ignore' });
    const committed = fs.readFileSync(path.resolve(__dirname, '../web/src/api/schema.d.ts'), 'utf8');
    // `npm run openapi` writes both; a difference means one was edited or not regenerated
    expect(committed).toBe(fs.readFileSync(out, 'utf8'));
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });

  it('the server serves the same document publicly, with the docs UI beside it', async () => {
    const json = await t.http.get('/api/docs-json');
    expect(json.status).toBe(200);
    expect(json.body).toEqual(JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8')));
    expect(json.body.paths['/api/devices'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['q', 'page', 'limit', 'sort', 'type', 'osFamily', 'tag', 'lastSeenBefore']),
    );
    const ui = await t.http.get('/api/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });
});
