import type { Rule } from '../types.js';
import { LEFT, prefixedToken, RIGHT } from './define.js';

const DASHED_RIGHT = '(?![A-Za-z0-9_-])';

/**
 * AI platform keys: OpenAI, Anthropic, Hugging Face, Groq, Replicate, Perplexity.
 *
 * @example
 * ```ts
 * aiRules.find((r) => r.id === 'anthropic-api-key');
 * ```
 */
export const aiRules: Rule[] = [
  prefixedToken({
    id: 'openai-project-key',
    description: 'OpenAI project API key',
    provider: 'openai',
    prefix: 'sk-proj-',
    body: '[A-Za-z0-9_-]{40,200}',
    severity: 'high',
    minEntropy: 4,
    right: DASHED_RIGHT,
  }),
  prefixedToken({
    id: 'openai-service-account-key',
    description: 'OpenAI service-account API key',
    provider: 'openai',
    prefix: 'sk-svcacct-',
    body: '[A-Za-z0-9_-]{40,200}',
    severity: 'high',
    minEntropy: 4,
    right: DASHED_RIGHT,
  }),
  prefixedToken({
    id: 'openai-admin-key',
    description: 'OpenAI admin API key',
    provider: 'openai',
    prefix: 'sk-admin-',
    body: '[A-Za-z0-9_-]{40,200}',
    severity: 'critical',
    minEntropy: 4,
    right: DASHED_RIGHT,
  }),
  {
    id: 'openai-api-key',
    description: 'OpenAI API key (legacy format with the T3BlbkFJ marker)',
    provider: 'openai',
    keywords: ['t3blbkfj'],
    window: { before: 128, after: 0 },
    // "T3BlbkFJ" is base64 of "OpenAI", embedded in the middle of every such key.
    pattern: new RegExp(`${LEFT}(sk-(?:[A-Za-z0-9_-]{1,40}-)?[A-Za-z0-9_-]{20,74}T3BlbkFJ[A-Za-z0-9_-]{20,74})${RIGHT}`, 'g'),
    severity: 'high',
    confidence: 'high',
  },
  prefixedToken({
    id: 'anthropic-api-key',
    description: 'Anthropic API key',
    provider: 'anthropic',
    prefix: 'sk-ant-api03-',
    body: '[A-Za-z0-9_-]{93}AA',
    severity: 'high',
    right: DASHED_RIGHT,
  }),
  prefixedToken({
    id: 'anthropic-admin-key',
    description: 'Anthropic admin API key',
    provider: 'anthropic',
    prefix: 'sk-ant-admin01-',
    body: '[A-Za-z0-9_-]{93}AA',
    severity: 'critical',
    right: DASHED_RIGHT,
  }),
  prefixedToken({
    id: 'huggingface-token',
    description: 'Hugging Face access token',
    provider: 'huggingface',
    prefix: 'hf_',
    body: '[A-Za-z]{34}',
    severity: 'medium',
    minEntropy: 3.8,
  }),
  prefixedToken({
    id: 'groq-api-key',
    description: 'Groq API key',
    provider: 'groq',
    prefix: 'gsk_',
    body: '[A-Za-z0-9]{52}',
    severity: 'high',
    minEntropy: 4,
  }),
  prefixedToken({
    id: 'replicate-api-token',
    description: 'Replicate API token',
    provider: 'replicate',
    prefix: 'r8_',
    body: '[A-Za-z0-9]{37}',
    severity: 'high',
    minEntropy: 4,
  }),
  prefixedToken({
    id: 'perplexity-api-key',
    description: 'Perplexity API key',
    provider: 'perplexity',
    prefix: 'pplx-',
    body: '[A-Za-z0-9]{48}',
    severity: 'high',
    minEntropy: 4,
  }),
];
