/**
 * Recognising attack tools and scanners in user agents: real user-agent shapes, case, the
 * precedence of attack entries over scanner entries, user-defined entries, and that a matcher is
 * compiled once per pair of lists.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ATTACK_TOOLS, DEFAULT_SCANNER_TOOLS, toolMatcher } from './attack-tools.js';

const match = toolMatcher(DEFAULT_ATTACK_TOOLS, DEFAULT_SCANNER_TOOLS);

describe('toolMatcher', () => {
  it('finds Kali in the platform parts of CLI v1, CLI v2 and boto3 user agents', () => {
    for (const ua of [
      'aws-cli/1.18.69 Python/3.8.2 Linux/5.5.0-kali2-amd64 botocore/1.16.19',
      'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.6.9-amd64 exe/x86_64.kali.2024 md/distrib#kali.2024',
      'Boto3/1.28.85 Python/3.11.6 Linux/6.5.0-kali3-amd64 Botocore/1.31.85',
    ]) {
      expect(match(ua)).toMatchObject({ needle: 'kali', label: 'Kali Linux', kind: 'attack' });
    }
  });

  it('tells scanners from attack tools', () => {
    expect(match('Botocore/1.34.69 Scout Suite/5.14.0')?.kind).toBe('scanner');
    expect(match('APN/1.0 Prowler/4.2.1 botocore/1.34.69')).toMatchObject({
      label: 'Prowler',
      kind: 'scanner',
    });
    expect(match('stratus-red-team_6a7ec681-49a5-4403-99a2-d3c1229e8063')?.label).toBe(
      'Stratus Red Team',
    );
  });

  it('reports a user agent naming both kinds as the attack tool', () => {
    expect(match('prowler/4.2.1 Linux/6.6.9-kali1-amd64')?.kind).toBe('attack');
  });

  it('ignores ordinary clients and missing user agents', () => {
    expect(match('aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22')).toBe(
      undefined,
    );
    expect(match('AWS Internal')).toBeUndefined();
    expect(match(undefined)).toBeUndefined();
  });

  it('uses user-defined entries, case-insensitively, and skips blank ones', () => {
    const custom = toolMatcher(['  ', 'EvilTool'], []);
    expect(custom('python-requests/2.31 eviltool/0.3')).toEqual({
      needle: 'eviltool',
      label: 'EvilTool',
      kind: 'attack',
    });
    expect(custom('python-requests/2.31')).toBeUndefined();
  });

  it('returns the same compiled matcher for the same lists', () => {
    const attack = ['kali'];
    const scanner: string[] = [];
    expect(toolMatcher(attack, scanner)).toBe(toolMatcher(attack, scanner));
    expect(toolMatcher(attack, scanner)).not.toBe(toolMatcher(['kali'], scanner));
  });
});
