// What the Alibaba Cloud sinks read from the machine: the environment, ACK's token file and the
// ECS metadata service. Tests give their own.
import { ACK_TOKEN_CONFIG_PATH, type AliyunEnvironment } from './credentials.js';
import { EcsMetadata, metadataOptionsFromEnv } from './metadata.js';

export function processEnvironment(env: NodeJS.ProcessEnv = process.env): AliyunEnvironment {
  return { env, tokenConfigPath: ACK_TOKEN_CONFIG_PATH, metadata: new EcsMetadata(metadataOptionsFromEnv(env)), now: Date.now };
}

/** An AccessKey id for messages: its first four characters only. */
export function maskAccessKeyId(id: string): string {
  return id.length <= 4 ? '***' : `${id.slice(0, 4)}***`;
}
