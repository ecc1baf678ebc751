import { ApiScope } from '../../src';

type Factory = [string, (v: unknown) => ApiScope, string];

/** `ApiScope.paths: 'paths' ` or `ApiScope.paths: 'paths[0]' ` */
function namesProp(label: string): RegExp {
  const [where, prop] = label.split(' ');
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${esc(where)}: '${esc(prop)}(\\[\\d+\\])?' `);
}

const factories: Factory[] = [
  ['ApiScope.paths(v)', (v) => ApiScope.paths(v as any), 'ApiScope.paths paths'],
  ['ApiScope.stages(v)', (v) => ApiScope.stages(v as any), 'ApiScope.stages stages'],
  ['ApiScope.methods(v, "/x")', (v) => ApiScope.methods(v as any, '/x'), 'ApiScope.methods methods'],
  ['ApiScope.methods(["GET"], v)', (v) => ApiScope.methods(['GET'], v as any), 'ApiScope.methods path'],
  ['ApiScope.of({ paths: v })', (v) => ApiScope.of({ paths: v as any }), 'ApiScope.of paths'],
  ['ApiScope.of({ stages: v })', (v) => ApiScope.of({ stages: v as any }), 'ApiScope.of stages'],
  ['ApiScope.of({ methods: v })', (v) => ApiScope.of({ methods: v as any }), 'ApiScope.of methods'],
];

const values: Array<[string, unknown]> = [
  ['null', null],
  ['a string', '/admin'],
  ['a number', 42],
  ['an object', { paths: ['/admin'] }],
  ['an empty list', []],
  ['a list with a non-string', [7]],
  ['a list with null', [null]],
];

/** The error a call throws, or undefined. */
function thrown(fn: () => unknown): Error | undefined {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}

describe('class 6: a missing or malformed scope dimension is an error, never the whole API', () => {
  test.each(factories.filter(([name]) => !name.startsWith('ApiScope.of') && !name.includes('], v)')))(
    '%s with undefined throws an error naming the prop',
    (_name, make, prop) => {
      const e = thrown(() => make(undefined));
      expect(e).toBeInstanceOf(Error);
      expect(e).not.toBeInstanceOf(TypeError);
      expect(e!.message).toMatch(namesProp(prop));
      expect(e!.message).toMatch(/is undefined \(it would mean the whole API\)/);
      expect(e!.message).toMatch(/expected .*ApiScope\.api\(\)/);
    },
  );

  const table = factories.flatMap(([name, make, prop]) =>
    values
      // ApiScope.methods(['GET'], path) takes one string path: a string is a valid form there
      .filter(([vname]) => !(name.includes('], v)') && vname === 'a string'))
      .map(([vname, v]) => [name, vname, make, v, prop] as const),
  );

  test.each(table)('%s with %s throws an error naming the prop', (_name, _vname, make, v, prop) => {
    const e = thrown(() => make(v));
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(TypeError);
    expect(e!.message).toMatch(namesProp(prop));
    expect(e!.message).toMatch(/expected/);
  });

  test('ApiScope.methods with an undefined path covers every path (the documented default), not an error', () => {
    expect(ApiScope.methods(['GET']).toString()).toBe('methods=[GET]');
  });

  test('ApiScope.of({}) and ApiScope.of with only undefined dimensions are refused (would mean the whole API)', () => {
    for (const props of [{}, { paths: undefined, stages: undefined, methods: undefined }]) {
      expect(() => ApiScope.of(props)).toThrow(/ApiScope\.of: 'props' names no stages, methods or paths/);
    }
  });

  test.each([[undefined], [null], ['x'], [[]]])('ApiScope.of(%p) is refused with "expected"', (v) => {
    const e = thrown(() => ApiScope.of(v as any));
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(TypeError);
    expect(e!.message).toMatch(/^ApiScope\.of: 'props' .*expected/);
  });
});
