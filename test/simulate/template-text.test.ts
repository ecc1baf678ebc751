import { parseTemplateText } from '../../src/simulate/template-text';

describe('parseTemplateText', () => {
  test('short-form tags become long forms', () => {
    const t = parseTemplateText(
      [
        'Resources:',
        '  A:',
        '    Properties:',
        '      R: !Ref X',
        '      G: !GetAtt Api.RootResourceId',
        '      S: !Sub "execute-api:/${AWS::Region}"',
        '      J: !Join ["", [a, !Ref B]]',
        '      I: !If [C, 1, 2]',
        '      E: !Equals [a, b]',
        '      V: 2012-10-17',
        '      T: True',
        '      N: 012345678901',
      ].join('\n'),
    );
    expect(t.Resources.A.Properties).toEqual({
      R: { Ref: 'X' },
      G: { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
      S: { 'Fn::Sub': 'execute-api:/${AWS::Region}' },
      J: { 'Fn::Join': ['', ['a', { Ref: 'B' }]] },
      I: { 'Fn::If': ['C', 1, 2] },
      E: { 'Fn::Equals': ['a', 'b'] },
      V: '2012-10-17',
      T: true,
      N: '012345678901',
    });
  });

  test('a duplicated key keeps the last value, as CloudFormation does', () => {
    expect(parseTemplateText('A: 1\nA: 2\n')).toEqual({ A: 2 });
    expect(parseTemplateText('{"A": 1, "A": 2}')).toEqual({ A: 2 });
  });

  test.each([
    ['[1]', /top level must be an object/],
    ['{"a": ', /not valid JSON/],
    ['a: [1, 2', /not valid YAML/],
    ['just text', /top level must be an object/],
    ['', /top level must be an object/],
  ])('fails when the text is %j', (text, message) => {
    expect(() => parseTemplateText(text)).toThrow(message);
  });
});
