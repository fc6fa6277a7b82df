import path from 'node:path';
import type { LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isUserError, type UserError } from '../../../errors.ts';
import { getSharedLlama } from '../load.ts';
import { type KvHelper, loadKvHelper } from './helper-build.ts';
import { addonModelOf } from './node-llama-internals.ts';

const MODEL = path.join(process.env.EVALBOARD_MODEL_PATH!, 'stories260K.gguf');

let helper: KvHelper;
let model: LlamaModel;

beforeAll(async () => {
  const load = await loadKvHelper();
  if (!load.helper) throw new Error(`these tests need the native helper: ${load.reason}`);
  helper = load.helper;
  model = await (await getSharedLlama(false)).loadModel({ modelPath: MODEL });
});

afterAll(async () => {
  await model?.dispose();
});

it("finds node-llama-cpp's model when the helper reads it as node-llama-cpp does", () => {
  expect(helper.modelTrainContextSize(addonModelOf(helper, model))).toBe(model.trainContextSize);
});

it('fails at startup, naming the pin, when the helper and node-llama-cpp disagree about the model', () => {
  const disagreeing = Object.create(model, { trainContextSize: { value: model.trainContextSize + 1 } });
  const missing = Object.create(model, { _model: { value: undefined } });
  for (const [fake, detail] of [
    [disagreeing, /the helper reads a training context of \d+, node-llama-cpp \d+/],
    [missing, /LlamaModel has no native `_model`/],
    [Object.create(model, { _model: { value: {} } }), /the helper cannot read its AddonModel/],
  ] as const) {
    const error = (() => {
      try {
        addonModelOf(helper, fake as LlamaModel);
      } catch (e) {
        return e;
      }
    })();
    expect(isUserError(error)).toBe(true);
    const text = (error as UserError).format();
    expect(text).toMatch(/node-llama-cpp's internals do not match what the native scoring helper expects/);
    expect(text).toMatch(detail);
    expect(text).toContain('3.21.1');
    expect(text).toContain('EVALBOARD_NATIVE_HELPER=0');
  }
});
