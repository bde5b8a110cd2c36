// agents/: the agent scripts (the top-level agents/ folder) for download, from the web UI's
// Agents page or a deployment's own curl. Public: they hold no secret (the enrollment token
// is the deployment's own) and are the project's open source; a fixed list of three files,
// never a path from the request.
import { Controller, Get, Header, Param, ServiceUnavailableException, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Public } from '../auth/roles';
import { appRoot } from '../common/app-root';

export const AGENT_PLATFORMS = ['linux', 'macos', 'windows'] as const;
export type AgentPlatform = (typeof AGENT_PLATFORMS)[number];

/** Where each platform's script lives under agents/, and the name it downloads as. */
export const AGENT_SCRIPTS: Record<AgentPlatform, { file: string; name: string }> = {
  linux: { file: 'linux/teknisi-agent.sh', name: 'teknisi-agent.sh' },
  macos: { file: 'macos/teknisi-agent.sh', name: 'teknisi-agent.sh' },
  windows: { file: 'windows/teknisi-agent.ps1', name: 'teknisi-agent.ps1' },
};

export class AgentScriptParams {
  @IsIn(AGENT_PLATFORMS, { message: `platform must be one of ${AGENT_PLATFORMS.join(', ')}` }) platform: AgentPlatform;
}

export function agentsDir(): string {
  return path.join(appRoot(), 'agents');
}

@ApiTags('agents')
@Controller('agents/scripts')
export class AgentScriptsController {
  @Get(':platform')
  @Public()
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  @ApiParam({ name: 'platform', enum: AGENT_PLATFORMS })
  @ApiOkResponse({ description: 'the script, as an attachment (text)' })
  @ApiServiceUnavailableResponse({ description: 'the agents/ folder is not installed beside the server' })
  async script(@Param() p: AgentScriptParams): Promise<StreamableFile> {
    const s = AGENT_SCRIPTS[p.platform]; // platform is one of AGENT_PLATFORMS: the validation pipe checked it
    let body: Buffer;
    try {
      body = await fs.promises.readFile(path.join(agentsDir(), s.file));
    } catch {
      throw new ServiceUnavailableException(`the ${p.platform} agent script is not installed beside the server (agents/${s.file} is missing)`);
    }
    return new StreamableFile(body, { type: 'text/plain; charset=utf-8', disposition: `attachment; filename="${s.name}"`, length: body.length });
  }
}
