/**
 * The image explainer's model input: `pixel_values` from an image (through the processor) or
 * given ready, checked against the shape the model takes (channels, size, batch, finiteness).
 *
 * @module
 */
import { InputError } from '../../errors.js';
import type { LoadedModel } from '../core/loaded-model.js';
import type { ImageInput, PixelValuesInput } from './image-options.js';
import type { ImagePreprocessor } from './preprocess.js';
import { readImage } from './read-image.js';

/** Input size used to guess a flat tensor's shape when neither the model nor its processor says. */
const DEFAULT_IMAGE_SIZE = 224;

/** Channels, height and width the model takes. */
export interface ExpectedShape {
  channels: number;
  height: number | undefined;
  width: number | undefined;
}

export function isPixelValuesInput(v: unknown): v is PixelValuesInput {
  return typeof v === 'object' && v !== null && 'pixelValues' in v;
}

function staticDim(d: number | string | undefined): number | undefined {
  return typeof d === 'number' && d > 0 ? d : undefined;
}

/** Channels, height and width the model takes: static ONNX dims, else config / processor. */
export function expectedShape(model: LoadedModel, preprocessor: ImagePreprocessor | undefined): ExpectedShape {
  const dims = model.onnx.graph.inputs.find((v) => v.name === 'pixel_values')?.shape;
  const cfg = model.config as unknown as { num_channels?: number; image_size?: number | number[] };
  const cfgSize = Array.isArray(cfg.image_size) ? cfg.image_size : typeof cfg.image_size === 'number' ? [cfg.image_size, cfg.image_size] : undefined;
  return {
    channels: staticDim(dims?.[1]) ?? cfg.num_channels ?? 3,
    height: staticDim(dims?.[2]) ?? preprocessor?.size?.height ?? cfgSize?.[0],
    width: staticDim(dims?.[3]) ?? preprocessor?.size?.width ?? cfgSize?.[1],
  };
}

/** The model input for `image`, checked against what the model takes. */
export async function toPixelValues(image: ImageInput, model: LoadedModel, preprocessor: ImagePreprocessor | undefined): Promise<{ data: Float32Array; shape: [number, number, number, number] }> {
  const want = expectedShape(model, preprocessor);
  let data: Float32Array;
  let shape: number[];
  if (isPixelValuesInput(image)) {
    if (!(image.pixelValues instanceof Float32Array)) {
      throw new InputError('pixelValues must be a Float32Array [1, C, H, W] (row-major, already normalised by the image processor).', { code: 'bad-pixel-values' });
    }
    data = image.pixelValues;
    shape = image.shape ? [...image.shape] : guessShape(data.length, want);
  } else {
    if (!preprocessor) {
      throw new InputError(`"${model.id}" has no preprocessor_config.json, so images cannot be preprocessed. Add the file to the model folder, or pass { pixelValues } with the model input.`, {
        code: 'no-image-processor',
      });
    }
    const raw = await readImage(image);
    // The processor converts grey / grey+alpha / RGBA to RGB itself (alpha dropped, as PIL's convert('RGB')).
    const out = await preprocessor.process(raw);
    data = out.data;
    shape = out.dims;
  }
  if (shape.length === 3) shape = [1, ...shape];
  if (shape.length !== 4 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InputError(`pixel values must have shape [1, C, H, W]; got [${shape.join(', ')}].`, { code: 'bad-pixel-values' });
  }
  if (shape[0] !== 1) throw new InputError(`Explain one image at a time: the pixel values hold a batch of ${shape[0]}.`, { code: 'bad-pixel-values' });
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) {
    throw new InputError(`pixelValues has ${data.length} values but shape [${shape.join(', ')}] needs ${n}.`, { code: 'bad-pixel-values' });
  }
  if (shape[1] !== want.channels) throw channelError(shape[1], want.channels);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new InputError(`pixelValues holds a non-finite value (${data[i]}) at index ${i}.`, { code: 'bad-pixel-values' });
  }
  return { data, shape: shape as [number, number, number, number] };
}

function guessShape(length: number, want: ExpectedShape): number[] {
  const h = want.height ?? DEFAULT_IMAGE_SIZE;
  const w = want.width ?? DEFAULT_IMAGE_SIZE;
  const plane = h * w;
  if (length % plane === 0 && length / plane !== want.channels && length / plane <= 4) return [1, length / plane, h, w];
  if (length !== want.channels * plane) {
    throw new InputError(`pixelValues has ${length} values; the model takes [1, ${want.channels}, ${h}, ${w}] (${want.channels * plane} values). Pass { pixelValues, shape } with the tensor's shape.`, {
      code: 'bad-pixel-values',
    });
  }
  return [1, want.channels, h, w];
}

function channelError(got: number, want: number): InputError {
  const how =
    got === 1 && want === 3
      ? 'This looks like a greyscale tensor: repeat its channel 3 times ([1, 1, H, W] -> [1, 3, H, W]), or pass the image itself, which the processor converts to RGB.'
      : got === 2 && want === 3
        ? 'This looks like grey + alpha: drop the alpha channel and repeat the grey one 3 times, or pass the image itself, which the processor converts to RGB.'
        : got === 4 && want === 3
          ? 'This looks like RGBA: drop the alpha channel, or pass the image itself, which the processor converts to RGB.'
          : `Convert the input to ${want} channel(s).`;
  return new InputError(`The pixel values have ${got} channel(s) but the model takes ${want}. ${how}`, { code: 'wrong-channel-count' });
}
