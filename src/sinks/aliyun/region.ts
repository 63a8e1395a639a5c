// Alibaba Cloud region ids and where a sink's region comes from.
import { ConfigError } from '../../base/errors.js';
import type { EcsMetadata } from './metadata.js';

/** Public regions (2026); an unlisted id is refused unless an endpoint is given explicitly. */
export const KNOWN_REGIONS: ReadonlySet<string> = new Set([
  'cn-hangzhou', 'cn-shanghai', 'cn-qingdao', 'cn-beijing', 'cn-zhangjiakou', 'cn-huhehaote', 'cn-wulanchabu',
  'cn-shenzhen', 'cn-heyuan', 'cn-guangzhou', 'cn-chengdu', 'cn-nanjing', 'cn-fuzhou', 'cn-wuhan-lr', 'cn-hongkong',
  'cn-hangzhou-finance', 'cn-shanghai-finance-1', 'cn-shenzhen-finance-1', 'cn-beijing-finance-1', 'cn-north-2-gov-1',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'us-east-1', 'us-west-1', 'eu-west-1', 'eu-central-1',
  'me-east-1', 'me-central-1', 'na-south-1', 'mx-central-1',
]);

const REGION_SYNTAX = /^[a-z]{2,}(-[a-z0-9]+)+$/;

export type RegionSource = 'option regionId' | 'env RegionId' | 'ECS metadata';

/**
 * The region: option `regionId`, else env `RegionId`, else ECS metadata (kube-eventer lets the env
 * override the option). `endpointGiven` relaxes the known-region check for new or private regions.
 */
export async function resolveRegion(
  sink: string,
  option: string | undefined,
  env: NodeJS.ProcessEnv,
  metadata: EcsMetadata,
  endpointGiven: boolean,
): Promise<{ region: string; source: RegionSource }> {
  let region: string;
  let source: RegionSource;
  if (option !== undefined && option !== '') {
    region = option;
    source = 'option regionId';
  } else if (env.RegionId) {
    region = env.RegionId;
    source = 'env RegionId';
  } else {
    try {
      region = await metadata.regionId();
      source = 'ECS metadata';
    } catch (err) {
      throw new ConfigError(`sink ${sink}: no region: give option regionId (or env RegionId); ECS metadata did not answer (${(err as Error).message})`);
    }
  }
  if (!REGION_SYNTAX.test(region)) throw new ConfigError(`sink ${sink}: regionId=${JSON.stringify(region)} (${source}) is not a region id such as cn-hangzhou`);
  if (!endpointGiven && !KNOWN_REGIONS.has(region)) {
    throw new ConfigError(`sink ${sink}: regionId=${JSON.stringify(region)} (${source}) is not a known Alibaba Cloud region (for a new region, also give the endpoint explicitly)`);
  }
  return { region, source };
}
