import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bytes, encode, int, message } from './protobuf.ts'

/**
 * Concepts of the tiny model: words of one concept share an embedding direction, so the model "knows" that
 * `car` and `automobile` mean the same thing, which no lexical embedder can.
 */
export const CONCEPTS: string[][] = [
  ['car', 'automobile', 'vehicle', 'truck', 'engine'],
  ['cooking', 'recipe', 'soup', 'kitchen', 'food'],
  ['astronomy', 'planet', 'star', 'telescope', 'orbit'],
  ['money', 'invoice', 'payment', 'bank', 'finance'],
  ['music', 'song', 'guitar', 'melody', 'concert'],
  ['garden', 'flower', 'tree', 'plant', 'soil']
]

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]']
const HIDDEN = CONCEPTS.length + 2

const TENSOR_FLOAT = 1
const TENSOR_INT64 = 7

function tensorType (elemType: number, dims: Array<number | string>): Uint8Array {
  const dimFields = dims.map(d => typeof d === 'number' ? message(1, int(1, d)) : message(1, bytes(2, d)))
  return message(2, message(1, int(1, elemType), message(2, ...dimFields)))
}

function valueInfo (field: number, name: string, elemType: number, dims: Array<number | string>): Uint8Array {
  return message(field, bytes(1, name), tensorType(elemType, dims))
}

function node (opType: string, inputs: string[], outputs: string[], ...attributes: Uint8Array[]): Uint8Array {
  return message(1, ...inputs.map(i => bytes(1, i)), ...outputs.map(o => bytes(2, o)), bytes(3, `${opType}_${outputs[0] ?? ''}`), bytes(4, opType), ...attributes)
}

function floatTensor (name: string, dims: number[], values: Float32Array): Uint8Array {
  return message(5, ...dims.map(d => int(1, d)), int(2, TENSOR_FLOAT), bytes(8, name), bytes(9, new Uint8Array(values.buffer)))
}

function int64Tensor (name: string, values: bigint[]): Uint8Array {
  return message(5, int(1, values.length), int(2, TENSOR_INT64), bytes(8, name), bytes(9, new Uint8Array(BigInt64Array.from(values).buffer)))
}

/** The vocabulary: special tokens, then every concept word, then a few unrelated words. */
export function vocabulary (): string[] {
  return [...SPECIAL, ...CONCEPTS.flat(), 'the', 'a', 'of', 'and', 'with', 'my', 'new', 'old']
}

/**
 * A BERT-shaped ONNX graph: `input_ids`, `attention_mask` → `last_hidden_state` = Gather(embeddings, ids) × mask.
 * Concept words embed on their concept's axis (plus a little noise on the last two axes), other words on the last
 * two axes only, special tokens at zero. Mean pooling then gives a sentence vector pointing at its concepts.
 */
export function tinyModelOnnx (): Uint8Array {
  const vocab = vocabulary()
  const table = new Float32Array(vocab.length * HIDDEN)
  vocab.forEach((word, row) => {
    const concept = CONCEPTS.findIndex(words => words.includes(word))
    if (concept >= 0) table[row * HIDDEN + concept] = 1
    if (!SPECIAL.includes(word)) {
      table[row * HIDDEN + HIDDEN - 2] = concept >= 0 ? 0.05 : ((row % 3) + 1) / 10
      table[row * HIDDEN + HIDDEN - 1] = concept >= 0 ? 0.02 : ((row % 5) + 1) / 10
    }
  })
  const graph = message(7,
    node('Gather', ['embeddings', 'input_ids'], ['gathered']),
    node('Cast', ['attention_mask'], ['mask_float'], message(5, bytes(1, 'to'), int(3, TENSOR_FLOAT), int(20, 2))),
    node('Unsqueeze', ['mask_float', 'mask_axes'], ['mask_3d']),
    node('Mul', ['gathered', 'mask_3d'], ['last_hidden_state']),
    bytes(2, 'tiny-sentence-embedder'),
    floatTensor('embeddings', [vocab.length, HIDDEN], table),
    int64Tensor('mask_axes', [2n]),
    valueInfo(11, 'input_ids', TENSOR_INT64, ['batch', 'sequence']),
    valueInfo(11, 'attention_mask', TENSOR_INT64, ['batch', 'sequence']),
    valueInfo(12, 'last_hidden_state', TENSOR_FLOAT, ['batch', 'sequence', HIDDEN])
  )
  return encode(int(1, 8), bytes(2, 'ipfs-kit-tests'), graph, message(8, bytes(1, ''), int(2, 13)))
}

/** A WordPiece tokenizer.json over {@link vocabulary}, BERT-style ([CLS] … [SEP], lower-cased). */
export function tinyTokenizerJson (): object {
  const vocab = Object.fromEntries(vocabulary().map((word, i) => [word, i]))
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } }
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab }
  }
}

/** Write the tiny model as `<dir>/<name>/` in the layout transformers.js loads; returns the model name. */
export async function writeTinyModel (dir: string, name = 'tiny-embedder'): Promise<string> {
  const root = join(dir, name)
  await mkdir(join(root, 'onnx'), { recursive: true })
  await writeFile(join(root, 'onnx', 'model.onnx'), tinyModelOnnx())
  await writeFile(join(root, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson()))
  await writeFile(join(root, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 128, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]' }))
  await writeFile(join(root, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: HIDDEN, vocab_size: vocabulary().length, max_position_embeddings: 128 }))
  return name
}
