// npm run openapi: writes openapi.json from the controllers and DTOs, without connecting to
// MySQL or Redis (Nest's preview mode builds the module graph without instantiating providers).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/env';
import { buildOpenApi } from '../src/openapi';

export async function generateOpenApi(): Promise<string> {
  const config = loadConfig({ TEKNISI_SECRET_KEY: 'x'.repeat(32) });
  const app = await NestFactory.create(AppModule.register({ config, flavor: 'mariadb', rootKey: { material: Buffer.alloc(32), origin: 'openapi', generated: false } }, false), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  const doc = buildOpenApi(app);
  await app.close();
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export const OPENAPI_FILE = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../openapi.json' : '../openapi.json');

if (require.main === module) {
  generateOpenApi()
    .then((text) => {
      fs.writeFileSync(OPENAPI_FILE, text);
      console.log(`wrote ${OPENAPI_FILE}`);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
