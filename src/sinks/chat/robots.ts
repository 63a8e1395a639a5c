// Every robot this program knows, by kind, and which one a webhook URL's host belongs to.
import { DINGTALK_ROBOT } from '../dingtalk/robot.js';
import { FEISHU_ROBOT } from '../feishu/robot.js';
import { SLACK_ROBOT } from '../slack/robot.js';
import { WECHAT_ROBOT } from '../wechat/robot.js';
import type { Robot, RobotKind } from './robot.js';

export const ROBOTS: Readonly<Record<RobotKind, Robot>> = {
  dingtalk: DINGTALK_ROBOT,
  wechat: WECHAT_ROBOT,
  feishu: FEISHU_ROBOT,
  slack: SLACK_ROBOT,
};

export const ROBOT_KINDS = Object.keys(ROBOTS) as RobotKind[];

/** The robot a webhook host (`host[:port]`) belongs to, if any. */
export function robotForHost(host: string): Robot | undefined {
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return Object.values(ROBOTS).find((robot) => robot.hosts.includes(name));
}
