import { describe, expect, it } from 'vitest';
import { globMatch, matchesAny, matchesAnyIgnoreCase } from './glob.js';

describe('glob', () => {
  it('matches ARNs with * across slashes', () => {
    expect(
      globMatch('arn:aws:iam::*:role/deploy-*', 'arn:aws:iam::123456789012:role/deploy-prod'),
    ).toBe(true);
    expect(globMatch('arn:aws:iam::*:role/*', 'arn:aws:iam::123456789012:role/path/x')).toBe(true);
    expect(
      globMatch('arn:aws:iam::*:role/deploy-*', 'arn:aws:iam::123456789012:user/deploy-x'),
    ).toBe(false);
  });
  it('treats regex characters literally', () => {
    expect(globMatch('a.b', 'aXb')).toBe(false);
    expect(globMatch('a.b', 'a.b')).toBe(true);
    expect(globMatch('(x)+', '(x)+')).toBe(true);
    expect(globMatch('a?c', 'abc')).toBe(true);
  });
  it('any-of helpers', () => {
    expect(matchesAny([], 'x')).toBe(false);
    expect(matchesAny(['x'], undefined)).toBe(false);
    expect(matchesAnyIgnoreCase(['*Terraform*'], 'APN/1.0 HashiCorp/1.0 terraform/1.5.0')).toBe(
      true,
    );
    expect(matchesAny(['*Terraform*'], 'terraform/1.5.0')).toBe(false);
  });
});
