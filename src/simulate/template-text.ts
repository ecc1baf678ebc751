import * as YAML from 'yaml';

/** Short-form CloudFormation tags and their long forms. */
const SHORT_FORMS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!GetAtt': 'Fn::GetAtt',
  '!Sub': 'Fn::Sub',
  '!Join': 'Fn::Join',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!If': 'Fn::If',
  '!Equals': 'Fn::Equals',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Not': 'Fn::Not',
  '!FindInMap': 'Fn::FindInMap',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!ImportValue': 'Fn::ImportValue',
  '!GetAZs': 'Fn::GetAZs',
  '!Transform': 'Fn::Transform',
  '!ToJsonString': 'Fn::ToJsonString',
  '!Length': 'Fn::Length',
};

/**
 * Parses a CloudFormation template given as JSON or YAML text (short-form tags such as `!Ref` are turned
 * into their long forms; a duplicated key keeps the last value, as CloudFormation does).
 * Throws an Error with a one-line message when the text is not a template.
 */
export function parseTemplateText(text: string): { [key: string]: any } {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  let value: unknown;
  if (trimmed.startsWith('{')) {
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      throw new Error(`not valid JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  } else {
    const doc = YAML.parseDocument(trimmed, { uniqueKeys: false, version: '1.2', strict: false, prettyErrors: false });
    if (doc.errors.length > 0) {
      throw new Error(`not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
    }
    value = convert(doc.contents, trimmed);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('not a CloudFormation template: the top level must be an object');
  }
  return value as { [key: string]: any };
}

function convert(node: unknown, src: string): any {
  if (node === null || node === undefined) return null;
  if (YAML.isAlias(node)) return null;
  const tag = (node as { tag?: string }).tag;
  let value: any;
  if (YAML.isMap(node)) {
    const out: Record<string, any> = {};
    for (const pair of node.items) {
      const k = YAML.isScalar(pair.key) ? String(pair.key.value) : String(convert(pair.key, src));
      out[k] = convert(pair.value, src);
    }
    value = out;
  } else if (YAML.isSeq(node)) {
    value = node.items.map((i) => convert(i, src));
  } else if (YAML.isScalar(node)) {
    value = node.value;
    if (typeof value === 'number' && node.range) {
      // keep account ids and other digit strings with leading zeros as written
      const raw = src.slice(node.range[0], node.range[1]).trim();
      if (/^0[0-9]+$/.test(raw)) value = raw;
    }
    if (tag && SHORT_FORMS[tag] && typeof value !== 'string') value = value === null ? '' : String(value);
  } else {
    value = null;
  }
  if (tag && SHORT_FORMS[tag]) {
    const long = SHORT_FORMS[tag];
    if (long === 'Fn::GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      value = dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
    }
    return { [long]: value };
  }
  return value;
}
