import { describe, expect, it } from 'vitest';
import { aggregations, metricFor, type SampleValue } from './index.ts';
import { corpusTer, translationEditRate } from './ter.ts';

// Expected values come from sacrebleu's test/test_ter.py (github.com/mjpost/sacrebleu; asserted
// there within 1e-3 of the 0–100 score) or are worked by hand.

const one = (hyp: string, ref: string) => corpusTer([hyp], [[ref]]);

describe('corpusTer (sacrebleu corpus_ter defaults)', () => {
  it("matches sacrebleu's corner cases", () => {
    expect(one('aaaa bbbb cccc dddd', 'aaaa bbbb cccc dddd')).toBe(0);
    expect(one('dddd eeee ffff', 'aaaa bbbb cccc')).toBe(100);
    expect(one('', 'a')).toBe(100);
    expect(one('a', '')).toBe(100);
    expect(one('', '')).toBe(0);
  });

  it('one shift fixes "d e f g h a b c" (1 edit / 8 words)', () => {
    expect(one('d e f g h a b c', 'a b c d e f g h')).toBeCloseTo(100 / 8, 10);
    expect(translationEditRate('d e f g h a b c'.split(' '), 'a b c d e f g h'.split(' '))).toEqual([1, 8]);
  });

  it("matches sacrebleu's WMT dev example (13.6)", () => {
    const hyps = [
      'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit das Bild ungefähr dieselbe Größe aufweist wie die andere Größe .',
      'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
      'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie Werte für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " ein .',
      'Sie können beispielsweise ein Dokument erstellen , das ein Auto über die Bühne enthält .',
      'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
    ];
    const refs = [
      'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit die Darstellung des Bildes in einer anderen Größe beibehalten wird .',
      'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
      'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " niedrigere Werte ein .',
      'Sie können beispielsweise ein Dokument erstellen , das ein Auto enthalt , das sich über die Bühne bewegt .',
      'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
    ];
    expect(
      Math.abs(
        corpusTer(
          hyps,
          refs.map((r) => [r]),
        ) - 13.6,
      ),
    ).toBeLessThan(1e-3);
  });

  it('by hand: lowercased, and the fewest edits over several references', () => {
    // "The Cat" vs "the cat sat": case is ignored, one insertion → 1/3.
    expect(one('The Cat', 'the cat sat')).toBeCloseTo(100 / 3, 10);
    // Two references: edits from the best (0), length averaged ((2 + 3) / 2).
    expect(corpusTer(['the cat'], [['the cat', 'a black cat']])).toBe(0);
  });
});

describe('ter metric', () => {
  it('passes (reference, prediction) on; the aggregation is corpus_ter', () => {
    const item = metricFor('ter')!.score({
      doc: {},
      target: 'a b c d e f g h',
      response: { kind: 'text', texts: ['d e f g h a b c'] },
      filtered: 'd e f g h a b c',
      kwargs: {},
    }) as SampleValue;
    expect(item).toEqual(['a b c d e f g h', 'd e f g h a b c']);
    expect(aggregations.ter!([item, ['x y', 'x y']])).toBeCloseTo(100 / 10, 10);
    // lm-eval v0.4.9.2 registers ter as higher-is-better; reports follow it.
    expect(metricFor('ter')!.higherIsBetter).toBe(true);
  });
});
